/** GET /api/cohorts/bands — band counts over time: at `to`, `to` − 7 (or 30) days, … to `from`. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  bandLabels,
  bandMovement,
  bandsCsv,
  csvResponse,
  csvStream,
  echo,
  filterFields,
  FiltersSchema,
  resolveFilters,
  wantsCsv,
  withPeriodCheck,
} from "../../../lib/cohorts/mod.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import type { StaticConfig } from "../../../lib/static_config.ts";

/** The route; its schemas are drawn from the deployment's config/. */
const routeOf = ({ catalog, readiness }: StaticConfig) => {
  const Query = withPeriodCheck(z.object({
    ...filterFields(catalog.levels),
    bucket: z.enum(["week", "month"]).optional().openapi({
      description: "spacing of the points: `week` (7 days, default) or `month` (30 days)",
    }),
  }));

  const Result = z.object({
    filters: FiltersSchema,
    bucket: z.enum(["week", "month"]),
    points: z.array(z.object({
      at: z.string().openapi({ description: "the instant (snapshots strictly before it count)" }),
      bands: z.record(z.string(), z.number().int()).openapi({
        description: `learners per band label of their latest snapshot before \`at\`: ${
          bandLabels(readiness).join(", ")
        }`,
      }),
    })).openapi({ description: "oldest first; the last point is at `to`" }),
  }).openapi("CohortBands");

  return createRoute({
    method: "get",
    path: "/bands",
    operationId: "getCohortBands",
    tags: ["cohorts"],
    summary: "Band movement of the cohort over the period (coach, admin)",
    description:
      "Answers `text/csv` (one row per point, one column per band) for `format=csv` or `Accept: text/csv`.",
    middleware: [requireRole("coach", "admin")] as const,
    request: { query: Query },
    responses: {
      200: {
        description: "Band counts at each point",
        content: {
          "application/json": { schema: Result },
          "text/csv": {
            schema: z.string().openapi({ description: "one row per point, a column per band" }),
          },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  });
};

/** The route, built for the deployment's config/. */
export const bandsApi = (settings: StaticConfig) =>
  apiRouter().openapi(routeOf(settings), async (c) => {
    const query = c.req.valid("query");
    const filters = resolveFilters(query);
    const bucket = query.bucket ?? "week";
    const points = await bandMovement(c.get("sql"), filters, bucket, settings.readiness);
    if (wantsCsv(query.format, c.req.header("accept"))) {
      const { header, rows } = bandsCsv(points);
      return csvResponse("cohort-bands.csv", csvStream(header, rows));
    }
    return c.json({ filters: echo(filters), bucket, points }, 200);
  });
