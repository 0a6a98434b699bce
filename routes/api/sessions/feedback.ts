/** GET /api/sessions/:sessionId/feedback — transcript (DB first, blob fallback) + scorecard. */
import { createRoute, z } from "@hono/zod-openapi";
import { isStorageError, sessionsContainer } from "../../../lib/legacy/storage.ts";
import { InvalidBlobError, readFeedback } from "../../../lib/sessions/feedback.ts";
import { ApiError, apiRouter, ErrorBody, errorResponses } from "../../../http/errors.ts";
import { assertCanReadLearner, callerOf, requireRole } from "../../../http/auth.ts";
import { SessionParams } from "./_shared.ts";

const Feedback = z.object({
  session_id: z.uuid(),
  user_id: z.uuid().nullable(),
  source: z.enum(["db", "blob"]).openapi({
    description: "where the transcript came from: Postgres, or the legacy blob (not backfilled)",
  }),
  transcript: z.object({
    api_id: z.number().int().nullable(),
    lines: z.array(z.string()),
    json: z.unknown(),
    created_at: z.string().nullable(),
  }).nullable(),
  scorecard: z.object({
    id: z.uuid(),
    ts: z.string(),
    bce_score: z.number().nullable(),
    mcf_score: z.number().nullable(),
    cpo_score: z.number().nullable(),
    scorecard_json: z.unknown(),
  }).nullable(),
  skills: z.array(z.object({
    skill_tag: z.string(),
    answers: z.number().int(),
    avg_score: z.number(),
    min_score: z.number(),
    max_score: z.number(),
  })),
}).openapi("Feedback");

const storageError = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBody } },
});

const route = createRoute({
  method: "get",
  path: "/{sessionId}/feedback",
  tags: ["sessions"],
  summary: "A session's transcript, scorecard and per-skill summary (owner, coach, admin, service)",
  description:
    "Works from scored answers alone: before the session is completed, `transcript` and `scorecard` are null and `skills` summarises the answers so far.",
  middleware: [requireRole("learner", "coach", "admin", "service")] as const,
  request: { params: SessionParams },
  responses: {
    200: { description: "Feedback", content: { "application/json": { schema: Feedback } } },
    ...errorResponses(400, 401, 403, 404),
    502: storageError("The legacy transcript blob is not valid JSON"),
    503: storageError("Blob storage could not be read"),
  },
});

export const feedbackApi = apiRouter().openapi(route, async (c) => {
  const { sessionId } = c.req.valid("param");
  const caller = callerOf(c);
  try {
    const feedback = await readFeedback(
      c.get("sql"),
      await sessionsContainer(c.get("config").azure),
      sessionId,
      (owner) => {
        // A learner may read only a session known to be theirs.
        if (caller.role === "learner" && !owner) {
          throw new ApiError(403, "forbidden", "Learners can only see their own data");
        }
        if (owner) assertCanReadLearner(caller, owner);
      },
    );
    if (!feedback) {
      throw new ApiError(
        404,
        "not_found",
        `No scored answers, transcript or scorecard for session ${sessionId}`,
      );
    }
    return c.json(feedback, 200);
  } catch (error) {
    if (error instanceof InvalidBlobError) throw new ApiError(502, "bad_gateway", error.message);
    if (isStorageError(error)) {
      throw new ApiError(503, "storage_unavailable", `Blob storage: ${error.message}`);
    }
    throw error;
  }
});
