/**
 * POST /api/users/:userId/outcomes (service, admin) — record real interview outcomes (idempotent);
 * GET /api/users/:userId/outcomes (the learner themself, coach, admin, service) — list them.
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  listOutcomes,
  MAX_OUTCOMES_PER_REQUEST,
  OutcomeConflict,
  OutcomesRequest,
  recordOutcomes,
  RESULTS,
  UnknownLearner,
} from "../../../lib/validity/mod.ts";
import { ApiError, apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import { assertReadable, READER_ROLES, unknownLearner, UserParams } from "./_shared.ts";

const Request = OutcomesRequest.openapi("InterviewOutcomesRequest", {
  description: `1 to ${MAX_OUTCOMES_PER_REQUEST} outcomes, outcome ids unique in the request ` +
    "(one outcome is sent as a batch of one)",
});

const Recorded = z.object({
  user_id: z.uuid(),
  outcomes: z.number().int().openapi({ description: "outcomes in the request" }),
  inserted: z.number().int().openapi({ description: "outcomes written now" }),
  already_present: z.number().int().openapi({
    description: "outcomes stored by an earlier request with the same content",
  }),
}).openapi("InterviewOutcomesRecorded");

const Outcome = z.object({
  outcome_id: z.string(),
  occurred_at: z.string().openapi({ description: "UTC, to the microsecond" }),
  result: z.enum(RESULTS),
  stage: z.string().nullable(),
  company: z.string().nullable(),
  role_level: z.string().nullable(),
  notes: z.string().nullable(),
  created_at: z.string(),
}).openapi("InterviewOutcome");

const Listed = z.object({
  user_id: z.uuid(),
  outcomes: z.array(Outcome).openapi({ description: "oldest first" }),
}).openapi("InterviewOutcomes");

const postRoute = createRoute({
  method: "post",
  path: "/{userId}/outcomes",
  operationId: "recordInterviewOutcomes",
  tags: ["learners"],
  summary: "Record real interview outcomes of a learner (a batch; resending writes nothing)",
  description: "An outcome id already stored with the same content is counted in " +
    "`already_present`; with different content the whole batch is refused with 409 naming the " +
    "ids (a stored outcome is never changed). `occurred_at` more than 5 minutes in the future is " +
    "a 400. The learner must be known (a profile or evidence): otherwise 404.",
  middleware: [requireRole("service", "admin")] as const,
  request: {
    params: UserParams,
    body: { required: true, content: { "application/json": { schema: Request } } },
  },
  responses: {
    200: { description: "Stored", content: { "application/json": { schema: Recorded } } },
    ...errorResponses(400, 401, 403, 404, 409, 413),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/{userId}/outcomes",
  operationId: "listInterviewOutcomes",
  tags: ["learners"],
  summary: "A learner's recorded interview outcomes (the learner themself, coach, admin, service)",
  middleware: [requireRole(...READER_ROLES)] as const,
  request: { params: UserParams },
  responses: {
    200: { description: "The outcomes", content: { "application/json": { schema: Listed } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const outcomesApi = apiRouter()
  .openapi(postRoute, async (c) => {
    const userId = c.req.valid("param").userId.toLowerCase();
    try {
      return c.json(await recordOutcomes(c.get("sql"), userId, c.req.valid("json")), 200);
    } catch (error) {
      if (error instanceof UnknownLearner) throw unknownLearner(userId);
      if (error instanceof OutcomeConflict) throw new ApiError(409, "conflict", error.message);
      throw error;
    }
  })
  .openapi(getRoute, async (c) => {
    const userId = c.req.valid("param").userId.toLowerCase();
    assertReadable(c, userId);
    const outcomes = await listOutcomes(c.get("sql"), userId);
    if (outcomes === null) throw unknownLearner(userId);
    return c.json({ user_id: userId, outcomes }, 200);
  });
