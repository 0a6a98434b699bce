/** GET /api/users/:userId/skills/trends — per-session scores of a skill over a window, plus aggregates. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  keptReadBody,
  keptTrendWindow,
  trendsBody,
  windowSpec,
} from "../../../lib/readiness/mod.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import {
  assertReadable,
  jsonText,
  READER_ROLES,
  SessionPoint,
  unknownLearner,
  UserParams,
} from "./_shared.ts";
import type { StaticConfig } from "../../../lib/static_config.ts";

/** The query; its skills and windows are the configured ones. */
const queryOf = ({ catalog, readiness: readinessConfig }: StaticConfig) =>
  z.object({
    skill_tag: z.enum(catalog.skillTags as [string, ...string[]]).optional().openapi({
      description: "one skill; every skill when left out",
    }),
    window: z.enum(readinessConfig.windows.map((w) => w.key) as [string, ...string[]]).optional()
      .openapi({
        description: `a configured window; default ${readinessConfig.trend_window}`,
      }),
  });

const Trends = z.object({
  user_id: z.uuid(),
  window: z.object({ key: z.string(), kind: z.enum(["sessions", "days"]), size: z.number() }),
  skills: z.array(z.object({
    skill_tag: z.string(),
    label: z.string(),
    points: z.array(SessionPoint).openapi({ description: "one per session, oldest first" }),
    aggregates: z.array(z.object({
      window_key: z.string(),
      avg_score: z.number(),
      sample_size: z.number().int(),
      session_count: z.number().int(),
      last_updated: z.string(),
    })).openapi({
      description:
        "stored user_skill_agg rows of the skill, every window, as of the learner's last readiness computation; last_updated is when the figures last changed",
    }),
  })),
}).openapi("SkillTrends");

const routeOf = (settings: StaticConfig) =>
  createRoute({
    method: "get",
    path: "/{userId}/skills/trends",
    tags: ["readiness"],
    summary: "Per-session average of a skill (or every skill) over a window, with its aggregates",
    middleware: [requireRole(...READER_ROLES)] as const,
    request: { params: UserParams, query: queryOf(settings) },
    responses: {
      200: { description: "Trends", content: { "application/json": { schema: Trends } } },
      ...errorResponses(400, 401, 403, 404),
    },
  });

/** The route, built for the deployment's config/. */
export const trendsApi = (settings: StaticConfig) =>
  apiRouter().openapi(routeOf(settings), async (c) => {
    const { catalog, readiness: readinessConfig } = settings;
    const { userId } = c.req.valid("param");
    const { skill_tag: skillTag, window: key = readinessConfig.trend_window } = c.req.valid(
      "query",
    );
    assertReadable(c, userId);
    if (!skillTag && key === readinessConfig.trend_window && keptTrendWindow(settings)) {
      // Every skill in the default window: the kept body (one primary-key lookup), or built.
      const body = await keptReadBody(c.get("sql"), userId, "trends", settings);
      if (body === null) throw unknownLearner(userId);
      return jsonText<z.infer<typeof Trends>>(c, body);
    }
    // One statement: the learner check, the per-session points and the aggregates.
    const body = await trendsBody(
      c.get("sql"),
      userId,
      windowSpec(readinessConfig, key),
      catalog,
      skillTag,
    );
    if (!body) throw unknownLearner(userId);
    return c.json(body, 200);
  });
