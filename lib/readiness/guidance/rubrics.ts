/** config/rubrics.json: its schema, its loader, and the next step it gives for a skill's score. */
import { z } from "zod";
import { loadCatalog } from "../../catalog.ts";
import { readConfigFile } from "../../config_file.ts";

const nextStep = z.object({
  /** The step applies to scores below this value (the first matching entry wins). */
  below: z.number().min(0).max(101),
  text: z.string().min(10),
  /** The same step in the third person for coaches and admins; `{name}` is the learner's label. */
  staff: z.string().min(10).includes("{name}"),
}).strict();

/** zod schema of config/rubrics.json: every skill of config/skills.json needs its next steps. */
export function rubricsSchema(skillTags: readonly string[]) {
  return z.object({
    version: z.string().min(1),
    projection: z.object({
      min_snapshots: z.number().int().min(3),
      min_days: z.number().min(1),
      lookback_days: z.number().min(1),
      max_horizon_days: z.number().min(1),
      /** Latest evidence older than this (or the lookback): practice stopped, no date. */
      stale_days: z.number().min(1),
    }).strict(),
    acknowledgement: z.string().min(10),
    acknowledgement_staff: z.string().min(10).includes("{name}"),
    skills: z.record(z.string(), z.object({ next_steps: z.array(nextStep).min(1) }).strict()),
  }).strict().superRefine((r, ctx) => {
    for (const tag of skillTags) {
      if (!r.skills[tag]) {
        ctx.addIssue({ code: "custom", path: ["skills", tag], message: "missing next steps" });
      }
    }
    for (const [tag, { next_steps }] of Object.entries(r.skills)) {
      if (!skillTags.includes(tag)) {
        ctx.addIssue({
          code: "custom",
          path: ["skills", tag],
          message: `unknown skill tag; allowed: ${skillTags.join(", ")}`,
        });
      }
      next_steps.forEach((s, i) => {
        if (i > 0 && s.below <= next_steps[i - 1].below) {
          ctx.addIssue({
            code: "custom",
            path: ["skills", tag, "next_steps", i, "below"],
            message: "must increase from one step to the next",
          });
        }
      });
      if (next_steps[next_steps.length - 1].below <= 100) {
        ctx.addIssue({
          code: "custom",
          path: ["skills", tag, "next_steps"],
          message: "the last step must cover a score of 100 (below > 100)",
        });
      }
    }
    if (r.projection.stale_days > r.projection.lookback_days) {
      ctx.addIssue({
        code: "custom",
        path: ["projection", "stale_days"],
        message: "must not exceed lookback_days",
      });
    }
    if (r.projection.min_days > r.projection.lookback_days) {
      ctx.addIssue({
        code: "custom",
        path: ["projection", "min_days"],
        message: "must not exceed lookback_days",
      });
    }
  });
}

export type Rubrics = z.infer<ReturnType<typeof rubricsSchema>>;

/** Reads and validates config/rubrics.json (start-up fails with the field at fault named). */
export function loadRubrics(
  dir?: URL,
  skillTags: readonly string[] = loadCatalog().skillTags,
): Rubrics {
  return readConfigFile("rubrics.json", rubricsSchema(skillTags), dir);
}

/** The rubric's next step for `skillTag` at `score`, for the learner or (with `name`) for staff. */
export function nextStepFor(
  r: Rubrics,
  skillTag: string,
  score: number,
  name: string | null = null,
): string | null {
  const step = r.skills[skillTag]?.next_steps.find((s) => score < s.below);
  if (!step) return null;
  return name === null ? step.text : step.staff.replaceAll("{name}", name);
}

/** The top-band acknowledgement, for the learner or (with `name`) for staff. */
export function acknowledgementFor(r: Rubrics, name: string | null = null): string {
  return name === null ? r.acknowledgement : r.acknowledgement_staff.replaceAll("{name}", name);
}
