/** POST /api/sessions/:sessionId/complete — transcript + scorecard, then a readiness snapshot. */
import { createRoute, z } from "@hono/zod-openapi";
import { completeSession, completionSchema } from "../../../lib/sessions/complete.ts";
import { UnknownLearnerError } from "../../../lib/readiness/mod.ts";
import { ApiError, apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import { Snapshot } from "../../../http/schemas.ts";
import { SessionParams } from "./_shared.ts";

const CompletionResult = z.object({
  session_id: z.uuid(),
  user_id: z.uuid(),
  completed_at: z.string().openapi({ description: "first completion time (a retry keeps it)" }),
  replayed: z.boolean().openapi({
    description:
      "true when transcript and scorecard were already stored (a retry): nothing written",
  }),
  transcript: z.object({ api_id: z.number().int(), lines: z.number().int(), created: z.boolean() }),
  scorecard: z.object({ id: z.uuid(), created: z.boolean() }),
  readiness: Snapshot.extend({
    previous_overall: z.number().nullable().openapi({
      description: "overall of the learner's snapshot before this one",
    }),
    delta: z.number().nullable().openapi({ description: "overall − previous_overall" }),
  }).openapi("CompletionReadiness", {
    description:
      "the learner's readiness snapshot with its delta; on a retry, the snapshot taken after the first completion",
  }),
}).openapi("CompletionResult");

const route = createRoute({
  method: "post",
  path: "/{sessionId}/complete",
  tags: ["sessions"],
  summary: "Complete a session: store transcript and scorecard (once), then snapshot readiness",
  middleware: [requireRole("service", "admin")] as const,
  request: {
    params: SessionParams,
    body: {
      required: true,
      content: { "application/json": { schema: completionSchema.openapi("CompletionRequest") } },
    },
  },
  responses: {
    201: {
      description: "Stored and snapshotted",
      content: { "application/json": { schema: CompletionResult } },
    },
    200: {
      description: "Already stored by an earlier request (retry): nothing written",
      content: { "application/json": { schema: CompletionResult } },
    },
    ...errorResponses(400, 401, 403, 409, 410, 413),
  },
});

export const completeApi = apiRouter().openapi(route, async (c) => {
  const { sessionId } = c.req.valid("param");
  try {
    const result = await completeSession(
      c.get("sql"),
      sessionId,
      c.req.valid("json"),
      c.get("settings").readiness,
    );
    return c.json(result, result.replayed ? 200 : 201);
  } catch (error) {
    if (error instanceof UnknownLearnerError) {
      // Gone between the stored completion and its snapshot (an erase removed both).
      throw new ApiError(409, "conflict", "The learner was erased while the session completed");
    }
    throw error;
  }
});
