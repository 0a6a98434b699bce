/**
 * The catalog of config/skills.json, pulse_steps.json and levels.json: the skills, PULSE steps and
 * learner levels. They may change: edit the JSON, not the code.
 */
import { z } from "zod";
import { readConfigFile } from "./config_file.ts";

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

/** Skills, PULSE steps and learner levels from config/. */
export function loadCatalog(dir?: URL): Catalog {
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
