/**
 * POST /api/admin/recompute-readiness — recompute one learner or everyone (incrementally, fully, or
 * by rebuilding the history from the sessions). Writes a snapshot only where something changed.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { isoTimestamp } from "../../../lib/validation.ts";
import { getProfile } from "../../../lib/learners/profile.ts";
import { isErased, LearnerErasedError } from "../../../lib/privacy/mod.ts";
import {
  computeUserReadiness,
  rebuildReadiness,
  recomputeAllReadiness,
  UnknownLearnerError,
} from "../../../lib/readiness/mod.ts";
import { ApiError, apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import { Snapshot } from "../../../http/schemas.ts";

const TRIGGER = "admin";

const Request = z.object({
  user_id: z.uuid().optional().openapi({ description: "one learner; every learner when left out" }),
  active_since: isoTimestamp().optional().openapi({
    description: "all learners only: check those with an answer at or after this time",
  }),
  full: z.boolean().optional().openapi({
    description:
      "all learners only: check every learner with answers, not only those with new evidence",
  }),
  rebuild: z.boolean().optional().openapi({
    description:
      "replay the learner's (or every learner's) sessions in time order: one snapshot per session, dated by it, replacing the earlier snapshots",
  }),
}).strict().refine((r) => !(r.user_id && r.active_since), {
  message: "give user_id or active_since, not both",
  path: ["active_since"],
}).refine((r) => !(r.user_id && r.full), {
  message: "full applies to all learners; leave out user_id",
  path: ["full"],
}).refine((r) => !(r.rebuild && (r.full || r.active_since)), {
  message: "rebuild replays every session: leave out full and active_since",
  path: ["rebuild"],
}).openapi("RecomputeRequest");

const Result = z.object({
  mode: z.enum(["incremental", "full", "rebuild"]).openapi({
    description:
      "incremental: learners with new evidence or an expired day-window answer; full: every learner checked; rebuild: sessions replayed",
  }),
  learners: z.number().int().openapi({ description: "learners computed" }),
  snapshots: z.number().int().openapi({ description: "snapshots written (new or corrected)" }),
  unchanged: z.number().int().openapi({
    description: "learners computed whose readiness had not changed: nothing written",
  }),
  batches: z.number().int(),
  duration_ms: z.number(),

  snapshot: Snapshot.extend({
    delta: z.number().nullable(),
    previous_overall: z.number().nullable(),
  })
    .optional().openapi({ description: "the new snapshot, for one learner" }),
}).openapi("RecomputeResult");

const route = createRoute({
  method: "post",
  path: "/recompute-readiness",
  tags: ["admin"],
  summary: "Recompute readiness for one learner or all learners with answers (admin)",
  middleware: [requireRole("admin")] as const,
  request: {
    body: { required: false, content: { "application/json": { schema: Request } } },
  },
  responses: {
    200: { description: "Recomputed", content: { "application/json": { schema: Result } } },
    ...errorResponses(400, 401, 403, 404, 409, 410),
  },
});

export const recomputeApi = apiRouter().openapi(route, async (c) => {
  const body = c.req.valid("json") ?? {};
  const sql = c.get("sql");
  const config = c.get("settings").readiness;
  if (body.user_id) {
    const userId = body.user_id;
    const missing = async () => {
      if (await isErased(sql, userId)) return new LearnerErasedError(userId);
      return new ApiError(404, "not_found", `No learner ${userId}`);
    };
    if (!(await getProfile(sql, body.user_id))) throw await missing();
    if (body.rebuild) {
      const result = await rebuildReadiness(sql, {
        userIds: [body.user_id],
        trigger: TRIGGER,
        config,
      });
      if (result.skipped) throw new ApiError(409, "busy", "Another recompute is running");
      return c.json(result, 200);
    }
    const started = performance.now();
    const { written, ...snapshot } = await computeUserReadiness(sql, body.user_id, {
      trigger: TRIGGER,
      config,
    }).catch(async (error) => {
      // Erased since the check above.
      if (error instanceof UnknownLearnerError) throw await missing();
      throw error;
    });
    return c.json({
      mode: "full" as const,
      learners: 1,
      snapshots: written ? 1 : 0,
      unchanged: written ? 0 : 1,
      batches: 1,
      duration_ms: Math.round(performance.now() - started),
      snapshot,
    }, 200);
  }
  const result = await recomputeAllReadiness(sql, {
    trigger: TRIGGER,
    config,
    full: body.full,
    rebuild: body.rebuild,
    activeSince: body.active_since ? new Date(body.active_since) : undefined,
  });
  if (result.skipped) throw new ApiError(409, "busy", "Another recompute is running");
  return c.json(result, 200);
});
