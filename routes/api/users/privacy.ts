/**
 * DELETE /api/users/:userId (admin) — erase every row of a learner, in one transaction, and keep
 * their tombstone (no personal data) so that nothing brings the data back.
 * GET /api/users/:userId/export (admin, or the learner for themself) — all of their data as JSON.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { eraseLearner, exportLearner } from "../../../lib/privacy/mod.ts";
import { log } from "../../../lib/log.ts";
import { ApiError, apiRouter, errorResponses } from "../../../http/errors.ts";
import { callerOf, requireRole } from "../../../http/auth.ts";
import { UserParams } from "./_shared.ts";

const Erased = z.object({
  user_id: z.uuid(),
  deleted: z.record(z.string(), z.number().int()).openapi({
    description: "rows deleted per analytics table (every table with a user_id column)",
  }),
  total: z.number().int(),
}).openapi("LearnerErased");

const Exported = z.object({
  user_id: z.uuid(),
  exported_at: z.string(),
  tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).openapi({
    description: "every row of the learner per analytics table, columns as stored",
  }),
}).openapi("LearnerExport");

const eraseRoute = createRoute({
  method: "delete",
  path: "/{userId}",
  tags: ["privacy"],
  summary:
    "Erase every row of a learner in every analytics table and keep a tombstone (one transaction): their data is refused from then on",
  middleware: [requireRole("admin")] as const,
  request: { params: UserParams },
  responses: {
    200: {
      description: "Counts of deleted rows; zero everywhere for an unknown learner",
      content: { "application/json": { schema: Erased } },
    },
    ...errorResponses(400, 401, 403, 503),
  },
});

const exportRoute = createRoute({
  method: "get",
  path: "/{userId}/export",
  tags: ["privacy"],
  summary: "All data held about a learner, as JSON (admin, or the learner themself)",
  middleware: [requireRole("admin", "learner")] as const,
  request: { params: UserParams },
  responses: {
    200: {
      description: "The learner's data",
      content: { "application/json": { schema: Exported } },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const privacyApi = apiRouter()
  .openapi(eraseRoute, async (c) => {
    const userId = c.req.valid("param").userId.toLowerCase();
    const caller = callerOf(c);
    const deleted = await eraseLearner(c.get("sql"), userId, {
      role: caller.role,
      sub: caller.userId,
    });
    const total = Object.values(deleted).reduce((a, b) => a + b, 0);
    log.info("learner erased", { user_id: userId, total, deleted, by: caller.userId });
    return c.json({ user_id: userId, deleted, total }, 200);
  })
  .openapi(exportRoute, async (c) => {
    const userId = c.req.valid("param").userId.toLowerCase();
    const caller = callerOf(c);
    if (caller.role === "learner" && caller.userId.toLowerCase() !== userId) {
      throw new ApiError(403, "forbidden", "Learners can only export their own data");
    }
    const tables = await exportLearner(c.get("sql"), userId);
    if (Object.values(tables).every((rows) => rows.length === 0)) {
      throw new ApiError(404, "not_found", `No data held for learner ${userId}`);
    }
    return c.json({ user_id: userId, exported_at: new Date().toISOString(), tables }, 200);
  });
