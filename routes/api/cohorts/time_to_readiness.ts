/** GET /api/cohorts/time-to-readiness — days from readiness A to B by level, with Kaplan–Meier. */
import { createRoute, z } from "@hono/zod-openapi";
import { timeToReadiness } from "../../../lib/readiness/mod.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import type { StaticConfig } from "../../../lib/static_config.ts";

const score = (what: string) =>
  z.coerce.number().min(0).max(100).openapi({
    description: `readiness (0–100) ${what}`,
    param: { required: true },
  });

/** The query; its levels are the catalog's. */
const queryOf = ({ catalog }: StaticConfig) =>
  z.object({
    from: score("first reached"),
    to: score("to reach, above `from`"),
    level: z.enum(catalog.levels as [string, ...string[]]).optional().openapi({
      description: "learner level; every level when left out",
    }),
  }).refine((q) => q.from < q.to, { message: "`to` must be above `from`", path: ["to"] });

const Days = z.number().nullable();
const Result = z.object({
  from: z.number(),
  to: z.number(),
  level: z.string().nullable(),
  learners: z.object({
    reached_from: z.number().int(),
    reached_to: z.number().int(),
    not_yet_reached: z.number().int().openapi({ description: "censored in the Kaplan–Meier" }),
  }),
  reached_only: z.object({ description: z.string(), median_days: Days, mean_days: Days }),
  kaplan_meier: z.object({
    description: z.string(),
    median_days: Days,
    curve: z.array(z.object({
      days: z.number(),
      at_risk: z.number().int(),
      reached: z.number().int(),
      censored: z.number().int(),
      not_yet_reached: z.number().openapi({ description: "estimated share, 0–1" }),
    })),
  }),
}).openapi("TimeToReadiness");

const routeOf = (settings: StaticConfig) =>
  createRoute({
    method: "get",
    path: "/time-to-readiness",
    tags: ["cohorts"],
    summary: "Days from first reaching readiness `from` to first reaching `to` (coach, admin)",
    middleware: [requireRole("coach", "admin")] as const,
    request: { query: queryOf(settings) },
    responses: {
      200: { description: "Cohort figures", content: { "application/json": { schema: Result } } },
      ...errorResponses(400, 401, 403),
    },
  });

/** The route, built for the deployment's config/. */
export const timeToReadinessApi = (settings: StaticConfig) =>
  apiRouter().openapi(routeOf(settings), async (c) => {
    return c.json(await timeToReadiness(c.get("sql"), c.req.valid("query")), 200);
  });
