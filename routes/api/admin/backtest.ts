/**
 * POST /api/admin/formula-backtest — how a candidate readiness formula would have judged the
 * cohort's real interview outcomes, beside the current formula, with the paired AUC difference.
 * Writes nothing.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { filterFields, withPeriodCheck } from "../../../lib/cohorts/mod.ts";
import { readinessConfigSchema } from "../../../lib/readiness/mod.ts";
import type { StaticConfig } from "../../../lib/static_config.ts";
import { backtest, resolveValidityFilters } from "../../../lib/validity/mod.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import { ValidityResult } from "../cohorts/validity.ts";

/** The request; the candidate names the configured skills, the filters the configured levels. */
const requestOf = ({ catalog }: StaticConfig) => {
  const { format: _format, ...fields } = filterFields(catalog.levels);
  return withPeriodCheck(
    z.object({
      config: readinessConfigSchema(catalog.skillTags).openapi({
        description:
          "the candidate formula: the shape of config/readiness.json, validated the same way",
      }),
      ...fields,
      from: fields.from.openapi({
        description:
          "start of the period on occurred_at, ISO 8601 with offset, inclusive; default `to` − 365 days",
      }),
      to: fields.to.openapi({
        description:
          "end of the period on occurred_at, ISO 8601 with offset, exclusive; default now",
      }),
    }).strict(),
  ).openapi("FormulaBacktestRequest");
};

const Difference = z.object({
  value: z.number().nullable().openapi({
    description:
      "AUC of the candidate − AUC of the current formula on the outcomes judged under both (4 places); null when a class is empty",
  }),
  ci95: z.array(z.number()).length(2).nullable().openapi({
    description:
      "paired DeLong 95 % interval (4 places); [0, 0] for an identical formula; null with fewer than 2 of a class",
  }),
  paired: z.number().int().openapi({
    description: "outcomes with sufficient evidence under both formulas",
  }),
  passed: z.number().int(),
  failed: z.number().int(),
}).openapi("AucDifference");

const Result = z.object({
  current: ValidityResult.openapi({
    description: "the report under the current formula, readiness recomputed as of each outcome",
  }),
  candidate: ValidityResult.openapi({
    description: "the report under the candidate formula, computed the same way",
  }),
  auc_difference: Difference,
}).openapi("FormulaBacktest");

const routeOf = (settings: StaticConfig) =>
  createRoute({
    method: "post",
    path: "/formula-backtest",
    operationId: "backtestReadinessFormula",
    tags: ["admin"],
    summary: "Backtest a candidate readiness formula on real interview outcomes (admin)",
    description: "Recomputes each outcome's readiness as of `occurred_at` under the current " +
      "formula and under the candidate (the same computation for both), without writing anything. " +
      "Definitions: docs/validity.md.",
    middleware: [requireRole("admin")] as const,
    request: {
      body: { required: true, content: { "application/json": { schema: requestOf(settings) } } },
    },
    responses: {
      200: { description: "Both reports", content: { "application/json": { schema: Result } } },
      ...errorResponses(400, 401, 403),
    },
  });

/** The route, built for the deployment's config/. */
export const backtestApi = (settings: StaticConfig) =>
  apiRouter().openapi(routeOf(settings), async (c) => {
    const { config, ...filters } = c.req.valid("json");
    const result = await backtest(
      c.get("sql"),
      resolveValidityFilters(filters),
      config,
      settings.readiness,
    );
    return c.json(result, 200);
  });
