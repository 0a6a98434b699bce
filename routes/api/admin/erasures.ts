/** DELETE /api/admin/erasures/:userId — lift an erased learner's tombstone (admin, logged). */
import { createRoute, z } from "@hono/zod-openapi";
import { learnerHash, liftTombstone } from "../../../lib/privacy/tombstones.ts";
import { log } from "../../../lib/log.ts";
import { ApiError, apiRouter, errorResponses } from "../../../http/errors.ts";
import { callerOf, requireRole } from "../../../http/auth.ts";

const route = createRoute({
  method: "delete",
  path: "/erasures/{userId}",
  operationId: "liftErasure",
  tags: ["privacy"],
  summary:
    "Lift the tombstone of an erased learner (one who came back with consent): their data is accepted again (admin)",
  middleware: [requireRole("admin")] as const,
  request: { params: z.object({ userId: z.uuid() }) },
  responses: {
    204: { description: "Lifted: the learner's data is accepted again" },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const erasuresApi = apiRouter().openapi(route, async (c) => {
  const userId = c.req.valid("param").userId.toLowerCase();
  const caller = callerOf(c);
  if (!(await liftTombstone(c.get("sql"), userId))) {
    throw new ApiError(404, "not_found", `No erasure of learner ${userId}`);
  }
  // Who lifted it, and for whom: the learner is back, so their id may be named again.
  log.info("erasure lifted", {
    user_id: userId,
    learner_hmac: await learnerHash(userId),
    by: caller.userId,
    by_role: caller.role,
  });
  return c.body(null, 204);
});
