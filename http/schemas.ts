/**
 * Response schemas shared by API routes of more than one folder: the readiness snapshot (returned by
 * the per-learner reads, session completion and the admin recompute).
 */
import { z } from "@hono/zod-openapi";
import { COMPONENTS } from "../lib/readiness/mod.ts";

const perComponent = <T extends z.ZodType>(schema: T) =>
  z.object({
    technical: schema,
    communication: schema,
    structure: schema,
    behavioral: schema,
  });

const Evidence = z.object({
  answers: z.number().int().openapi({ description: "scored answers (answer × skill)" }),
  sessions: z.number().int().openapi({
    description: "the most sessions any one of the skills was seen in",
  }),
});

export const ReadinessMeta = z.object({
  formula_version: z.string(),
  weights: perComponent(z.number()),
  effective_weights: perComponent(z.number().optional()).openapi({
    description: "weights applied, renormalised over the components with evidence",
  }),
  window: z.string(),
  evidence: perComponent(Evidence),
  evidence_total: Evidence,
  sufficient_evidence: z.boolean(),
  missing_components: z.array(z.enum(COMPONENTS)),
  renormalised: z.boolean(),
  trigger: z.string(),
  as_of: z.string().optional(),
}).openapi("ReadinessMeta");

export const SnapshotSummary = z.object({
  id: z.number().int(),
  user_id: z.uuid(),
  ts: z.string(),
  overall: z.number().nullable(),
  components: perComponent(z.number().nullable()),
  band: z.string(),
  formula_version: z.string(),
}).openapi("ReadinessSnapshotSummary");

export const Snapshot = SnapshotSummary.extend({ meta: ReadinessMeta }).openapi(
  "ReadinessSnapshot",
);
