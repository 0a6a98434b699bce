/** GET /api/users/:userId/readiness — latest snapshot, band, delta and history (newest first). */
import { createRoute, z } from "@hono/zod-openapi";
import { DEFAULT_HISTORY, readinessBody } from "../../../lib/readiness/mod.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { nullableRef } from "../../../http/openapi.ts";
import { requireRole } from "../../../http/auth.ts";
import { assertReadable, jsonText, READER_ROLES, unknownLearner, UserParams } from "./_shared.ts";
import { Snapshot, SnapshotSummary } from "../../../http/schemas.ts";

export const MAX_HISTORY = 500;

const Readiness = z.object({
  user_id: z.uuid(),
  latest: nullableRef(Snapshot).openapi({ description: "null before the first snapshot" }),
  delta: z.number().nullable().openapi({
    description: "latest overall minus the previous snapshot's overall",
  }),
  history: z.array(SnapshotSummary).openapi({ description: "newest first, up to `limit`" }),
}).openapi("Readiness");

/** What the route reads from the request: the learner, and the history's length. */
export const readinessRequest = {
  params: UserParams,
  query: z.object({
    limit: z.coerce.number().int().min(1).max(MAX_HISTORY).default(DEFAULT_HISTORY),
  }),
};

const route = createRoute({
  method: "get",
  path: "/{userId}/readiness",
  tags: ["readiness"],
  summary: "A learner's readiness: latest snapshot with band and delta, and the history",
  middleware: [requireRole(...READER_ROLES)] as const,
  request: readinessRequest,
  responses: {
    200: { description: "Readiness", content: { "application/json": { schema: Readiness } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const readinessApi = apiRouter().openapi(route, async (c) => {
  const { userId } = c.req.valid("param");
  const { limit } = c.req.valid("query");
  assertReadable(c, userId);
  // One statement: the kept body (default history), or the learner check, the latest snapshot,
  // the delta and the history built from the snapshots.
  const body = await readinessBody(c.get("sql"), userId, limit);
  if (body === null) throw unknownLearner(userId);
  return jsonText<z.infer<typeof Readiness>>(c, body);
});
