/** GET /api/cohorts/validity — how well readiness as of each interview told passes from failures. */
import { createRoute, z } from "@hono/zod-openapi";
import { filterFields, FiltersSchema, withPeriodCheck } from "../../../lib/cohorts/mod.ts";
import {
  AUC_METHOD,
  MIN_PER_CLASS,
  resolveValidityFilters,
  VALIDITY_DEFAULT_DAYS,
  validityReport,
} from "../../../lib/validity/mod.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import type { StaticConfig } from "../../../lib/static_config.ts";

/** The query; its levels are the catalog's. */
const queryOf = ({ catalog }: StaticConfig) => {
  const { format: _format, ...fields } = filterFields(catalog.levels);
  return withPeriodCheck(z.object({
    ...fields,
    from: fields.from.openapi({
      description:
        `start of the period on occurred_at, ISO 8601 with offset, inclusive; default \`to\` − ${VALIDITY_DEFAULT_DAYS} days`,
    }),
    to: fields.to.openapi({
      description: "end of the period on occurred_at, ISO 8601 with offset, exclusive; default now",
    }),
  }));
};

const Ci = z.array(z.number()).length(2).nullable().openapi({
  description: "95 % interval [low, high]; null when it cannot be computed",
});
const rate = (what: string) =>
  z.number().nullable().openapi({ description: `${what} (0–1, 4 places)` });

const Band = z.object({
  band: z.string().openapi({ description: "band label of the paired snapshot" }),
  outcomes: z.number().int(),
  passed: z.number().int(),
  pass_rate: rate("passed / outcomes; null when none"),
  ci95: Ci.openapi({ description: "Wilson score interval, 95 %" }),
}).openapi("ValidityBand");

const Auc = z.object({
  value: rate(
    "P(readiness of a passed outcome > that of a failed one), ties ½; null when a class is empty",
  ),
  ci95: Ci.openapi({
    description: "DeLong 95 % interval, clamped to [0, 1]; null with fewer than 2 of a class",
  }),
  method: z.literal(AUC_METHOD),
  passed: z.number().int(),
  failed: z.number().int(),
}).openapi("ValidityAuc");

const Reliability = z.object({
  from: z.number().openapi({ description: "readiness decile start (inclusive)" }),
  to: z.number().openapi({ description: "decile end (exclusive; 100 included in the last)" }),
  n: z.number().int(),
  mean_readiness: z.number().nullable().openapi({ description: "2 places; null when n = 0" }),
  mean_predicted: rate("mean fitted pass probability; null when n = 0 or no fit"),
  observed: rate("pass rate; null when n = 0"),
}).openapi("ValidityReliabilityRow");

const Calibration = z.object({
  intercept: z.number().nullable().openapi({
    description:
      "logistic fit P(pass) = 1 / (1 + e^−(intercept + slope · readiness)), 6 places; null when the fit does not exist",
  }),
  slope: z.number().nullable().openapi({ description: "per readiness point, 6 places" }),
  brier: rate("mean squared error of the fitted probabilities"),
  brier_base_rate: rate("Brier score of predicting the overall pass rate for every outcome"),
  predicted: z.object({ "40": rate("at 40"), "70": rate("at 70"), "85": rate("at 85") }),
  reliability: z.array(Reliability).openapi({ description: "ten rows, [0, 10) … [90, 100]" }),
}).openapi("ValidityCalibration");

const figureFields = {
  paired: z.number().int().openapi({ description: "outcomes with a snapshot to judge them by" }),
  passed: z.number().int(),
  failed: z.number().int(),
  bands: z.array(Band),
  auc: Auc,
  calibration: Calibration,
  too_few_to_judge: z.boolean().openapi({
    description:
      `fewer than ${MIN_PER_CLASS} passed or fewer than ${MIN_PER_CLASS} failed outcomes`,
  }),
};

const Version = z.object({
  formula_version: z.string().nullable(),
  ...figureFields,
}).openapi("ValidityByFormulaVersion");

export const ValidityResult = z.object({
  filters: FiltersSchema,
  outcomes: z.number().int().openapi({ description: "outcomes of the cohort in the period" }),
  unpaired: z.number().int().openapi({
    description: "outcomes without a snapshot with sufficient evidence at or before occurred_at",
  }),
  ...figureFields,
  by_formula_version: z.array(Version).openapi({
    description: "the same figures per formula version of the paired snapshots",
  }),
}).openapi("CohortValidity");

const routeOf = (settings: StaticConfig) =>
  createRoute({
    method: "get",
    path: "/validity",
    operationId: "getCohortValidity",
    tags: ["cohorts"],
    summary:
      "Readiness against real interview outcomes: pass rate per band, AUC, calibration (admin)",
    description: "Each outcome is paired with the learner's latest snapshot at or before " +
      "`occurred_at` that has sufficient evidence. Definitions: docs/validity.md.",
    middleware: [requireRole("admin")] as const,
    request: { query: queryOf(settings) },
    responses: {
      200: {
        description: "The validity report",
        content: { "application/json": { schema: ValidityResult } },
      },
      ...errorResponses(400, 401, 403),
    },
  });

/** The route, built for the deployment's config/. */
export const validityApi = (settings: StaticConfig) =>
  apiRouter().openapi(routeOf(settings), async (c) => {
    const report = await validityReport(
      c.get("sql"),
      resolveValidityFilters(c.req.valid("query")),
      settings.readiness,
    );
    return c.json(report, 200);
  });
