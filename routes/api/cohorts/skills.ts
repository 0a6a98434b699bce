/** GET /api/cohorts/skills — per skill: participants, first/latest/best averages, lift, low. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  cohortSkills,
  csvResponse,
  csvStream,
  filterFields,
  FiltersSchema,
  resolveFilters,
  skillsCsv,
  wantsCsv,
  withPeriodCheck,
} from "../../../lib/cohorts/mod.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import type { StaticConfig } from "../../../lib/static_config.ts";

/** The query; its levels are the catalog's. */
const queryOf = ({ catalog }: StaticConfig) =>
  withPeriodCheck(z.object(filterFields(catalog.levels)));

const Mean = (what: string) =>
  z.number().nullable().openapi({
    description: `mean over participants of their ${what} session's average on the skill`,
  });

const Skill = z.object({
  skill_tag: z.string(),
  label: z.string(),
  participants: z.number().int().openapi({
    description: "learners with ≥ 1 answer on the skill in the period",
  }),
  sessions: z.number().int().openapi({ description: "their sessions with answers on the skill" }),
  avg_first: Mean("first"),
  avg_latest: Mean("latest"),
  avg_best: Mean("best"),
  lift: z.object({
    mean: z.number().nullable().openapi({
      description: "mean of latest − first over participants with ≥ 2 sessions; null when none",
    }),
    n: z.number().int(),
    ci95: z.array(z.number()).min(2).max(2).nullable().openapi({
      description: "95 % t-interval [lo, hi] of the mean; null when n < 2",
    }),
  }),
  persistently_low: z.number().int().openapi({
    description: "participants with the skill persistently low at the period's end",
  }),
}).openapi("CohortSkill");

const Result = z.object({
  filters: FiltersSchema,
  low_skill_rule: z.object({ threshold: z.number(), sessions: z.number().int() }),
  skills: z.array(Skill),
}).openapi("CohortSkills");

const routeOf = (settings: StaticConfig) =>
  createRoute({
    method: "get",
    path: "/skills",
    operationId: "getCohortSkills",
    tags: ["cohorts"],
    summary: "Per configured skill, how the cohort moved in the period (coach, admin)",
    description: "Answers `text/csv` (one row per skill) for `format=csv` or `Accept: text/csv`.",
    middleware: [requireRole("coach", "admin")] as const,
    request: { query: queryOf(settings) },
    responses: {
      200: {
        description: "One entry per configured skill, in configuration order",
        content: {
          "application/json": { schema: Result },
          "text/csv": { schema: z.string().openapi({ description: "one row per skill" }) },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  });

/** The route, built for the deployment's config/. */
export const skillsApi = (settings: StaticConfig) =>
  apiRouter().openapi(routeOf(settings), async (c) => {
    const query = c.req.valid("query");
    const skills = await cohortSkills(c.get("sql"), resolveFilters(query), settings);
    if (wantsCsv(query.format, c.req.header("accept"))) {
      const { header, rows } = skillsCsv(skills);
      return csvResponse("cohort-skills.csv", csvStream(header, rows));
    }
    return c.json(skills, 200);
  });
