/** POST /api/admin/recompute-readiness — a fresh snapshot for one learner or every active learner. */
import { createRoute, z } from "@hono/zod-openapi";
import { isoTimestamp } from "../../../lib/validation.ts";
import { getProfile } from "../../../lib/learners/profile.ts";
import { computeUserReadiness, recomputeAllReadiness } from "../../../lib/readiness/mod.ts";
import { ApiError, apiRouter, errorResponses } from "../../_errors.ts";
import { requireRole } from "../../_middleware.ts";
import { Snapshot } from "../users/_shared.ts";

const TRIGGER = "admin";

const Request = z.object({
  user_id: z.uuid().optional().openapi({ description: "one learner; every learner when left out" }),
  active_since: isoTimestamp().optional().openapi({
    description: "all learners only: just those with an answer at or after this time",
  }),
}).strict().refine((r) => !(r.user_id && r.active_since), {
  message: "give user_id or active_since, not both",
  path: ["active_since"],
}).openapi("RecomputeRequest");

const Result = z.object({
  learners: z.number().int(),
  snapshots: z.number().int(),
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
    ...errorResponses(400, 401, 403, 404),
  },
});

export const recomputeApi = apiRouter().openapi(route, async (c) => {
  const body = c.req.valid("json") ?? {};
  const sql = c.get("sql");
  if (body.user_id) {
    if (!(await getProfile(sql, body.user_id))) {
      throw new ApiError(404, "not_found", `No learner ${body.user_id}`);
    }
    const started = performance.now();
    const snapshot = await computeUserReadiness(sql, body.user_id, { trigger: TRIGGER });
    return c.json({
      learners: 1,
      snapshots: 1,
      batches: 1,
      duration_ms: Math.round(performance.now() - started),
      snapshot,
    }, 200);
  }
  const result = await recomputeAllReadiness(sql, {
    trigger: TRIGGER,
    activeSince: body.active_since ? new Date(body.active_since) : undefined,
  });
  return c.json(result, 200);
});
