/**
 * Static configuration shipped in config/*.json (read-only, validated at start). The skill list and
 * the PULSE steps may change: edit the JSON, not the code.
 */
import { z } from "zod";
import { describeIssues } from "./validation.ts";

const CONFIG_DIR = new URL("../config/", import.meta.url);

const skillsFile = z.object({
  skills: z.array(z.object({
    tag: z.string().regex(/^[a-z][a-z0-9_]*$/),
    label: z.string().min(1),
    description: z.string().default(""),
  })).min(1),
});
const stepsFile = z.object({
  steps: z.array(z.object({
    step: z.string().regex(/^[a-z][a-z0-9_]*$/),
    label: z.string().min(1),
    description: z.string().default(""),
  })).min(1),
});
const levelsFile = z.object({ levels: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/)).min(1) });

export type Skill = z.infer<typeof skillsFile>["skills"][number];
export type PulseStep = z.infer<typeof stepsFile>["steps"][number];

export interface Catalog {
  skills: Skill[];
  steps: PulseStep[];
  skillTags: string[];
  pulseSteps: string[];
  levels: string[];
}

/** Reads and validates one JSON file of config/; the error names the file and the field. */
export function readConfigFile<T>(name: string, schema: z.ZodType<T>, dir: URL = CONFIG_DIR): T {
  const url = new URL(name, dir);
  let raw: unknown;
  try {
    raw = JSON.parse(Deno.readTextFileSync(url));
  } catch (error) {
    throw new Error(`config/${name}: cannot read JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = describeIssues(parsed.error.issues, {
      root: "(root)",
      separator: " ",
      more: false,
    });
    throw new Error(`config/${name}: ${issue}`);
  }
  return parsed.data;
}

/** Skills, PULSE steps and learner levels from config/. */
export function loadCatalog(dir: URL = CONFIG_DIR): Catalog {
  const { skills } = readConfigFile("skills.json", skillsFile, dir);
  const { steps } = readConfigFile("pulse_steps.json", stepsFile, dir);
  const { levels } = readConfigFile("levels.json", levelsFile, dir);
  const unique = (list: string[], what: string) => {
    const dupe = list.find((v, i) => list.indexOf(v) !== i);
    if (dupe) throw new Error(`config: duplicate ${what} '${dupe}'`);
    return list;
  };
  return {
    skills,
    steps,
    skillTags: unique(skills.map((s) => s.tag), "skill tag"),
    pulseSteps: unique(steps.map((s) => s.step), "pulse step"),
    levels: unique(levels, "level"),
  };
}

/** The catalog of this deployment, loaded (and validated) once when first imported. */
export const catalog: Catalog = loadCatalog();
