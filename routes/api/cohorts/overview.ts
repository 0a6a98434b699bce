/** GET /api/cohorts/overview — the cohort's activity and readiness, this period and the one before. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  bandLabels,
  cohortOverview,
  csvResponse,
  csvStream,
  filterFields,
  FiltersSchema,
  overviewCsv,
  resolveFilters,
  wantsCsv,
  withPeriodCheck,
} from "../../../lib/cohorts/mod.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import type { StaticConfig } from "../../../lib/static_config.ts";

/** The route; its schemas are drawn from the deployment's config/. */
const routeOf = ({ catalog, readiness }: StaticConfig) => {
  const Query = withPeriodCheck(z.object(filterFields(catalog.levels)));

  const Bands = z.record(z.string(), z.number().int()).openapi({
    description: `learners per band label of their latest snapshot before the period's end: ${
      bandLabels(readiness).join(", ")
    } (each present, 0 when none; \`none\`: no snapshot)`,
  });

  const Period = z.object({
    from: z.string(),
    to: z.string(),
    learners: z.number().int().openapi({ description: "learners in the cohort" }),
    active_learners: z.number().int().openapi({
      description: "learners with ≥ 1 answer in the period",
    }),
    sessions: z.number().int().openapi({
      description: "sessions whose first answer is in the period",
    }),
    answers: z.number().int().openapi({ description: "distinct answers in the period" }),
    with_readiness: z.number().int().openapi({
      description: "learners whose latest snapshot before the end has sufficient evidence",
    }),
    mean_readiness: z.number().nullable().openapi({
      description: "mean overall of those snapshots, exact, rounded once to 2 places",
    }),
    bands: Bands,
  }).openapi("CohortPeriod");

  const Result = z.object({
    filters: FiltersSchema,
    current: Period,
    previous: Period.openapi({ description: "the period of equal length just before" }),
  }).openapi("CohortOverview");

  return createRoute({
    method: "get",
    path: "/overview",
    operationId: "getCohortOverview",
    tags: ["cohorts"],
    summary: "Cohort activity and readiness against the previous period (coach, admin)",
    description: "Answers `text/csv` (one row per period) for `format=csv` or `Accept: text/csv`.",
    middleware: [requireRole("coach", "admin")] as const,
    request: { query: Query },
    responses: {
      200: {
        description: "Overview of the period and the one before",
        content: {
          "application/json": { schema: Result },
          "text/csv": { schema: z.string().openapi({ description: "one row per period" }) },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  });
};

/** The route, built for the deployment's config/. */
export const overviewApi = (settings: StaticConfig) =>
  apiRouter().openapi(routeOf(settings), async (c) => {
    const query = c.req.valid("query");
    const overview = await cohortOverview(c.get("sql"), resolveFilters(query), settings.readiness);
    if (wantsCsv(query.format, c.req.header("accept"))) {
      const { header, rows } = overviewCsv(overview);
      return csvResponse("cohort-overview.csv", csvStream(header, rows));
    }
    return c.json(overview, 200);
  });
