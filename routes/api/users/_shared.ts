/** Shared by the per-learner readiness routes: path params, access check, response schemas. */
import { z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import { COMPONENTS } from "../../../lib/readiness/mod.ts";
import { ApiError } from "../../_errors.ts";
import { type AppEnv, assertCanReadLearner, callerOf } from "../../_middleware.ts";

export const UserParams = z.object({ userId: z.uuid() });

/** Roles that may read a learner's readiness (learners only their own: see assertReadable). */
export const READER_ROLES = ["learner", "coach", "admin", "service"] as const;

/** 403 unless the caller may read `userId` (checked before any database work). */
export function assertReadable(c: Context<AppEnv>, userId: string): void {
  assertCanReadLearner(callerOf(c), userId);
}

/** The 404 of a user id that is not a known learner. */
export function unknownLearner(userId: string): ApiError {
  return new ApiError(404, "not_found", `No learner ${userId}`);
}

/** A 200 whose JSON body (of type `T`) was already serialised, sent as `c.json` would send it. */
export function jsonText<T>(c: Context<AppEnv>, body: string): TypedResponse<T, 200, "json"> {
  return c.body(body, 200, { "content-type": "application/json" }) as unknown as TypedResponse<
    T,
    200,
    "json"
  >;
}

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

export const SessionPoint = z.object({
  session_id: z.uuid(),
  ts: z.string().openapi({ description: "time of the session's first answer on the skill" }),
  score: z.number().openapi({ description: "average of the session's answers on the skill" }),
  answers: z.number().int(),
});
