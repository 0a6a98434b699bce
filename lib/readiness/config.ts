/**
 * config/readiness.json: the readiness formula's every number (weights, windows, bands, evidence,
 * low-skill rule), validated by zod at start. Change the formula here, not in the code, and bump
 * `formula_version` so snapshots say which formula made them.
 */
import { z } from "zod";
import { loadCatalog } from "../catalog.ts";
import { readConfigFile } from "../config_file.ts";
import { describeIssues } from "../validation.ts";

/**
 * The components of the score. Fixed by the schema (one `readiness_<component>` column each in
 * analytics.user_readiness): adding one needs a migration as well as a config entry.
 */
export const COMPONENTS = ["technical", "communication", "structure", "behavioral"] as const;
export type Component = (typeof COMPONENTS)[number];

const FILE = "readiness.json";
const WEIGHT_SUM_TOLERANCE = 1e-9;
const score = z.number().min(0).max(100);
const key = z.string().regex(/^[a-z0-9][a-z0-9_]*$/, "must be lower-case letters, digits and _");

const component = z.object({
  label: z.string().min(1),
  skills: z.array(z.string()).min(1),
  weight: z.number().min(0).max(1),
}).strict();

const window = z.object({
  key,
  /** `sessions`: the learner's last `size` sessions that touched the skill; `days`: the last `size` days. */
  kind: z.enum(["sessions", "days"]),
  size: z.number().int().min(1).max(3650),
}).strict();

/** zod schema of config/readiness.json; skill tags are checked against `skillTags`. */
export function readinessConfigSchema(skillTags: readonly string[]) {
  return z.object({
    formula_version: z.string().min(1).max(100),
    components: z.object(
      Object.fromEntries(COMPONENTS.map((c) => [c, component])) as Record<
        Component,
        typeof component
      >,
    ).strict(),
    windows: z.array(window).min(1),
    readiness_window: key,
    trend_window: key,
    bands: z.array(z.object({ min: score, label: z.string().min(1) }).strict()).min(1),
    minimum_evidence: z.object({
      answers: z.number().int().min(0),
      sessions: z.number().int().min(0),
      label: z.string().min(1),
    }).strict(),
    low_skill: z.object({ threshold: score, sessions: z.number().int().min(1) }).strict(),
    coaching: z.object({ target: score }).strict(),
    recompute: z.object({
      batch_size: z.number().int().min(1).max(10000),
      // Batches of a run in flight at once, on as many connections (1 on the embedded database).
      concurrency: z.number().int().min(1).max(8).optional(),
    }).strict(),
  }).strict().superRefine((cfg, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });

    const weightSum = COMPONENTS.reduce((sum, c) => sum + cfg.components[c].weight, 0);
    if (Math.abs(weightSum - 1) > WEIGHT_SUM_TOLERANCE) {
      issue(["components"], `weights must sum to 1 (they sum to ${+weightSum.toFixed(6)})`);
    }
    const owner = new Map<string, Component>();
    for (const c of COMPONENTS) {
      cfg.components[c].skills.forEach((tag, i) => {
        if (!skillTags.includes(tag)) {
          issue(
            ["components", c, "skills", i],
            `unknown skill tag '${tag}'; allowed: ${skillTags.join(", ")}`,
          );
        } else if (owner.has(tag)) {
          issue(["components", c, "skills", i], `'${tag}' already belongs to ${owner.get(tag)}`);
        }
        owner.set(tag, c);
      });
    }

    const keys = cfg.windows.map((w) => w.key);
    keys.forEach((k, i) => {
      if (keys.indexOf(k) !== i) issue(["windows", i, "key"], `duplicate window '${k}'`);
    });
    for (const field of ["readiness_window", "trend_window"] as const) {
      if (!keys.includes(cfg[field])) {
        issue([field], `'${cfg[field]}' is not a configured window; have: ${keys.join(", ")}`);
      }
    }

    if (cfg.bands.length && cfg.bands[0].min !== 0) {
      issue(["bands", 0, "min"], "the first band must start at 0");
    }
    cfg.bands.forEach((band, i) => {
      if (i > 0 && band.min <= cfg.bands[i - 1].min) {
        issue(["bands", i, "min"], "band thresholds must increase");
      }
      if (cfg.bands.findIndex((b) => b.label === band.label) !== i) {
        issue(["bands", i, "label"], `duplicate band label '${band.label}'`);
      }
      if (band.label === cfg.minimum_evidence.label) {
        issue(["bands", i, "label"], "a band cannot share the insufficient-evidence label");
      }
    });
  });
}

export type ReadinessConfig = z.infer<ReturnType<typeof readinessConfigSchema>>;
export type WindowSpec = ReadinessConfig["windows"][number];

/**
 * Loads and validates the readiness config: from config/ (default), another config directory, or
 * an already parsed object (tests). The error names the field at fault.
 */
export function loadReadinessConfig(
  source?: URL | Record<string, unknown>,
  skillTags: readonly string[] = loadCatalog().skillTags,
): ReadinessConfig {
  const schema = readinessConfigSchema(skillTags);
  if (source === undefined || source instanceof URL) {
    return readConfigFile(FILE, schema, source);
  }
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = describeIssues(parsed.error.issues, {
      root: "(root)",
      separator: " ",
      more: false,
    });
    throw new Error(`readiness config: ${issue}`);
  }
  return parsed.data;
}

/** The window spec for `key` (validated to exist at load). */
export function windowSpec(config: ReadinessConfig, key: string): WindowSpec {
  const spec = config.windows.find((w) => w.key === key);
  if (!spec) throw new Error(`unknown readiness window '${key}'`);
  return spec;
}

/** The component a skill counts towards, or null for a skill outside the formula. */
export function componentOf(config: ReadinessConfig, skillTag: string): Component | null {
  return COMPONENTS.find((c) => config.components[c].skills.includes(skillTag)) ?? null;
}
