/**
 * The filters every cohort figure takes: the learner profile's `level`, `track` and `cohort`, and
 * the period `[from, to)` (default: the 28 days ending now), with the SQL that selects the learners.
 */
import { z } from "@hono/zod-openapi";
import type postgres from "postgres";
import type { Queryable } from "../db/mod.ts";
import { isoTimestamp } from "../validation.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The default period: the 28 days ending now. */
export const DEFAULT_PERIOD_DAYS = 28;
/** The longest period asked about (a bound on the band-movement points, weekly over ten years). */
export const MAX_PERIOD_DAYS = 3660;
/** Earliest and latest instants accepted: periods stay inside what both JS and Postgres print. */
const EARLIEST_MS = Date.UTC(1970, 0, 1);
const LATEST_MS = Date.UTC(9999, 0, 1);

const instant = (what: string) =>
  isoTimestamp().refine((v) => !/\.\d{4,}/.test(v), {
    message: "at most millisecond precision",
  }).refine((v) => Date.parse(v) >= EARLIEST_MS && Date.parse(v) < LATEST_MS, {
    message: "must be between 1970 and 9999",
  }).optional().openapi({ description: what });

const profileText = (field: string) =>
  z.string().min(1).max(100).optional().openapi({
    description: `only learners whose profile ${field} is exactly this`,
  });

/**
 * The filter fields, for a route's query schema (each route adds its own fields and refines);
 * `levels` from the catalog (config/levels.json).
 */
export const filterFields = (levels: readonly string[]) => ({
  level: z.enum(levels as [string, ...string[]]).optional().openapi({
    description: "only learners of this level (a learner without a level is in no such cohort)",
  }),
  track: profileText("track"),
  cohort: profileText("cohort"),
  from: instant(
    "start of the period, ISO 8601 with offset, inclusive; default `to` − 28 days",
  ),
  to: instant("end of the period, ISO 8601 with offset, exclusive; default now"),
  format: z.enum(["json", "csv"]).optional().openapi({
    description: "`csv` answers text/csv (as does `Accept: text/csv`); default JSON",
  }),
});

/** The filter fields as one zod object (tests and routes without extra fields). */
export const filterQuery = (levels: readonly string[]) => z.object(filterFields(levels));
export type FilterInput = z.infer<ReturnType<typeof filterQuery>>;

/** Filters with the period resolved to instants. */
export interface CohortFilters {
  level?: string;
  track?: string;
  cohort?: string;
  from: Date;
  to: Date;
}

/** Why a query's period is not acceptable, or null (for a zod refine with its path). */
export function periodProblem(q: { from?: string; to?: string }): string | null {
  if (q.from === undefined || q.to === undefined) return null;
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  if (!(from < to)) return "`to` must be after `from`";
  if (to - from > MAX_PERIOD_DAYS * DAY_MS) return `the period is at most ${MAX_PERIOD_DAYS} days`;
  return null;
}

/** Adds the period check to a query schema built from `filterFields`. */
export function withPeriodCheck<T extends z.ZodType<{ from?: string; to?: string }>>(schema: T) {
  return schema.superRefine((q, ctx) => {
    const problem = periodProblem(q);
    if (problem) ctx.addIssue({ code: "custom", path: ["to"], message: problem });
  });
}

/** The filters with the period resolved: `to` defaults to `now`, `from` to `to` − 28 days. */
export function resolveFilters(q: FilterInput, now: Date = new Date()): CohortFilters {
  const to = q.to === undefined ? now : new Date(q.to);
  const from = q.from === undefined
    ? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS)
    : new Date(q.from);
  if (!(from < to)) throw new RangeError("`to` must be after `from`");
  return { level: q.level, track: q.track, cohort: q.cohort, from, to };
}

/**
 * `(true and alias.level = … and …)`: the row of table `alias` has the profile every given filter
 * asks for (equality; a null profile field matches no filter). No filters: `(true)`. Any table
 * with the profile columns: the learners, the counts per profile, and the kept per-learner rows,
 * which carry the learner's profile (rewritten with a profile write), so a cohort's kept rows are
 * selected on the row itself, with no join to the learners (every kept row is a learner's: erase
 * deletes them with the learner).
 */
export function inCohort(sql: Queryable, f: Omit<CohortFilters, "from" | "to">, alias: string) {
  const column = (name: string) => sql.unsafe(`${alias}.${name}`);
  const level = f.level === undefined ? sql`` : sql`and ${column("level")} = ${f.level}`;
  const track = f.track === undefined ? sql`` : sql`and ${column("track")} = ${f.track}`;
  const cohort = f.cohort === undefined ? sql`` : sql`and ${column("cohort")} = ${f.cohort}`;
  return sql`(true ${level} ${track} ${cohort})`;
}

/**
 * `select l.user_id from analytics.learners l where …`: the learners whose profile matches every
 * given filter. No filters: every learner.
 */
export function cohortLearners(sql: Queryable, f: Omit<CohortFilters, "from" | "to">) {
  return sql`select l.user_id from analytics.learners l where ${inCohort(sql, f, "l")}`;
}

/**
 * The instant a microsecond before `ms` (epoch milliseconds), as ISO text with microseconds: a
 * constant for the statement (computing it in SQL would repeat a stable function on every row).
 * `width_bucket(justBefore(t), times)` counts the times strictly before t.
 */
export function justBefore(ms: number): string {
  return new Date(ms - 1).toISOString().replace(/Z$/, "999Z");
}

/**
 * The number of learners whose profile matches the filters, as one SQL expression: a sum over the
 * learners counted per profile (learner_profile_counts, kept with the directory rows as learners
 * are added, erased or change profile) instead of a count of the learners themselves.
 */
export function cohortSize(sql: Queryable, f: Omit<CohortFilters, "from" | "to">) {
  return sql`(select coalesce(sum(c.learners), 0)::int from analytics.learner_profile_counts c
              where ${inCohort(sql, f, "c")})`;
}

/** The filters as echoed in every answer (ISO instants). */
export interface FiltersEcho {
  level: string | null;
  track: string | null;
  cohort: string | null;
  from: string;
  to: string;
}

/** The resolved filters as the answers echo them. */
export function echo(f: CohortFilters): FiltersEcho {
  return {
    level: f.level ?? null,
    track: f.track ?? null,
    cohort: f.cohort ?? null,
    from: f.from.toISOString(),
    to: f.to.toISOString(),
  };
}

/** The echo's zod schema, for the routes' answers. */
export const FiltersSchema = z.object({
  level: z.string().nullable(),
  track: z.string().nullable(),
  cohort: z.string().nullable(),
  from: z.string().openapi({ description: "start of the period (inclusive)" }),
  to: z.string().openapi({ description: "end of the period (exclusive)" }),
}).openapi("CohortFilters");

/**
 * `expression` wrapped in analytics.computed_once (migration 20261212000100): a subquery with it
 * in its select list is not merged into the statement around it, so its columns (a binary search
 * over a learner's array, a lookup) are computed once per row, not once per use above it, and the
 * statement can still run in parallel workers (unlike `offset 0`). On Citus (`citus`) the
 * expression as it is: there the subqueries are merged, so that each shard computes and groups
 * its own learners' rows (a subquery kept apart is planned on the coordinator), and the
 * statements call no function of ours.
 */
export function computedOnce(
  sql: Queryable,
  expression: postgres.PendingQuery<postgres.Row[]>,
  citus = false,
) {
  return citus ? expression : sql`analytics.computed_once(${expression})`;
}

/** Memory each sort or hash of a cohort statement may use (it reads every learner of the cohort). */
const COHORT_WORK_MEM = "64MB";
/** Costs of parallel workers for whole-table cohort statements (defaults: 1000 and 0.1). */
const PARALLEL_SETUP_COST = "100";
const PARALLEL_TUPLE_COST = "0.01";

/**
 * Runs `fn` where the statements' sorts and hashes may use COHORT_WORK_MEM each and the planner
 * does not memoize (a cache keyed by a learner's whole array of times, which only pays when
 * learners share them): in a transaction of its own, or in the caller's (for the rest of it).
 */
export async function withWorkMem<T>(
  sql: Queryable,
  fn: (tx: Queryable) => Promise<T>,
  options: {
    /** Several statements that must see one snapshot (a transaction of its own: repeatable read). */
    snapshot?: boolean;
    /**
     * Statements that read a whole kept table into a few groups: parallel workers are costed as
     * such a statement uses them. Starting them is cheap next to the scan (the default setup cost
     * is sized for short statements; tables under min_parallel_table_scan_size still get none),
     * and their partial groups are few rows even where the planner cannot count the distinct
     * keys (the band grid's trajectories: it assumes thousands per worker).
     */
    parallel?: boolean;
  } = {},
): Promise<T> {
  const set = (tx: Queryable) =>
    tx`select set_config('work_mem', ${COHORT_WORK_MEM}, true), set_config('enable_memoize', 'off', true),
              ${
      options.parallel
        ? tx`set_config('parallel_setup_cost', ${PARALLEL_SETUP_COST}, true),
             set_config('parallel_tuple_cost', ${PARALLEL_TUPLE_COST}, true)`
        : tx`null`
    }`;
  if ("begin" in sql) {
    const mode = options.snapshot ? "isolation level repeatable read read only" : "";
    return await sql.begin(mode, async (tx) => {
      await set(tx);
      return await fn(tx);
    }) as T;
  }
  await set(sql);
  return await fn(sql);
}
