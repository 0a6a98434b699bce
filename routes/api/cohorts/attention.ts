/** GET /api/cohorts/attention — learners who stalled, decline or stay low, with the evidence. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  ATTENTION_CSV_HEADER,
  attentionCsvRows,
  cohortAttention,
  csvResponse,
  csvStream,
  decodeCursor,
  DEFAULT_ATTENTION_LIMIT,
  filterFields,
  FiltersSchema,
  MAX_ATTENTION_LIMIT,
  primed,
  resolveFilters,
  wantsCsv,
  withPeriodCheck,
} from "../../../lib/cohorts/mod.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import type { StaticConfig } from "../../../lib/static_config.ts";

/** The query; its levels are the catalog's. */
const queryOf = ({ catalog }: StaticConfig) =>
  withPeriodCheck(z.object({
    ...filterFields(catalog.levels),
    limit: z.coerce.number().int().min(1).max(MAX_ATTENTION_LIMIT).optional().openapi({
      description: `learners per page (default ${DEFAULT_ATTENTION_LIMIT}; the CSV has them all)`,
    }),
    cursor: z.string().max(200).refine((v) => decodeCursor(v) !== null, {
      message: "not a cursor from this API",
    }).optional().openapi({ description: "`next_cursor` of the previous page" }),
  }));

const Time = z.string().openapi({ description: "ISO 8601, UTC" });
const Reason = z.union([
  z.object({
    code: z.literal("stalled"),
    last_answer_at: Time,
    latest_overall: z.number().nullable(),
    latest_band: z.string().nullable(),
    latest_at: Time.nullable(),
  }),
  z.object({
    code: z.literal("declining"),
    latest_overall: z.number(),
    latest_at: Time,
    previous_max: z.number(),
    drop: z.number(),
  }),
  z.object({ code: z.literal("persistently_low"), skills: z.array(z.string()) }),
]).openapi("AttentionReason");

const Result = z.object({
  filters: FiltersSchema,
  rules: z.object({
    stalled_days: z.number(),
    stalled_below: z.number(),
    declining_points: z.number(),
    declining_lookback: z.number(),
    low_skill: z.object({ threshold: z.number(), sessions: z.number().int() }),
  }),
  learners: z.array(z.object({
    user_id: z.string(),
    label: z.string(),
    level: z.string().nullable(),
    track: z.string().nullable(),
    cohort: z.string().nullable(),
    readiness: z.number().nullable().openapi({
      description: "latest overall with sufficient evidence before `to`; null: unmeasured",
    }),
    band: z.string().nullable(),
    reasons: z.array(Reason).min(1),
  })).openapi({
    description: "most reasons first, then lowest readiness (unmeasured first), then user_id",
  }),
  next_cursor: z.string().nullable(),
}).openapi("CohortAttention");

const routeOf = (settings: StaticConfig) =>
  createRoute({
    method: "get",
    path: "/attention",
    operationId: "getCohortAttention",
    tags: ["cohorts"],
    summary: "Learners who need attention as of `to` (coach, admin)",
    description:
      "Answers `text/csv` (one row per learner, reasons joined by `; `, every learner from `cursor` on, streamed) for `format=csv` or `Accept: text/csv`.",
    middleware: [requireRole("coach", "admin")] as const,
    request: { query: queryOf(settings) },
    responses: {
      200: {
        description: "A page of learners needing attention",
        content: {
          "application/json": { schema: Result },
          "text/csv": { schema: z.string().openapi({ description: "one row per learner" }) },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  });

/** The route, built for the deployment's config/. */
export const attentionApi = (settings: StaticConfig) =>
  apiRouter().openapi(routeOf(settings), async (c) => {
    const query = c.req.valid("query");
    const filters = resolveFilters(query);
    const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (wantsCsv(query.format, c.req.header("accept"))) {
      const rows = await primed(attentionCsvRows(c.get("sql"), filters, settings, cursor));
      return csvResponse("cohort-attention.csv", csvStream(ATTENTION_CSV_HEADER, rows));
    }
    return c.json(
      await cohortAttention(c.get("sql"), filters, settings, { cursor, limit: query.limit }),
      200,
    );
  });
