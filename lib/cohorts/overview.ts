/**
 * The cohort overview: activity in the period and readiness as of its end, for the period and for
 * the period of equal length just before it (two statements in one snapshot).
 */
import type { Queryable } from "../db/mod.ts";
import { isCitusOnce } from "../db/citus.ts";
import type { ReadinessConfig } from "../readiness/config.ts";
import { type BandCounts, bandGridSql, foldBandGrid } from "./bands.ts";
import {
  type CohortFilters,
  computedOnce,
  echo,
  type FiltersEcho,
  inCohort,
  justBefore,
  withWorkMem,
} from "./filters.ts";

/** One period's figures. */
export interface PeriodFigures {
  from: string;
  to: string;
  learners: number;
  active_learners: number;
  sessions: number;
  answers: number;
  with_readiness: number;
  mean_readiness: number | null;
  bands: BandCounts;
}

export interface Overview {
  filters: FiltersEcho;
  current: PeriodFigures;
  previous: PeriodFigures;
}

interface Row {
  /** Active learners, answers and sessions: each in the period, then in the one before. */
  activity: [number, number, number, number, number, number];
  grid: Parameters<typeof foldBandGrid>[0];
}

/**
 * `{ current, previous }`: activity counts whose time is in each period (an answer's time is its
 * first row's; a session's is its first answer's, wherever that answer lies), and band counts and
 * mean readiness as of each period's end (snapshots strictly before it).
 */
export async function cohortOverview(
  sql: Queryable,
  f: CohortFilters,
  config: ReadinessConfig,
  /** The statements' Citus shape (default: whether the database is Citus). */
  options: { citus?: boolean } = {},
): Promise<Overview> {
  const lengthMs = f.to.getTime() - f.from.getTime();
  const prevFrom = new Date(f.from.getTime() - lengthMs);
  // Activity from each learner's kept answer and session times (sorted arrays): the count in
  // [a, b) is the count before b less the count before a, each a binary search.
  const justBeforeT = (t: Date) => sql`${justBefore(t.getTime())}::timestamptz`;
  const inPeriod = (column: string, a: Date, b: Date) =>
    sql`(width_bucket(${justBeforeT(b)}, ${sql.unsafe(column)})
         - width_bucket(${justBeforeT(a)}, ${sql.unsafe(column)}))`;
  const citus = options.citus ?? await isCitusOnce(sql);
  // On one server each count is computed once per row.
  const once = (expression: ReturnType<typeof inPeriod>) => computedOnce(sql, expression, citus);
  // Two statements in one snapshot (each in parallel workers of its own): the activity sums, and
  // the band grid at the period's end and start.
  const row = await withWorkMem(sql, async (tx) => {
    const [{ activity }] = await tx<Pick<Row, "activity">[]>`
    select array[count(*) filter (where answers > 0),
                 count(*) filter (where answers_before > 0),
                 coalesce(sum(answers), 0), coalesce(sum(answers_before), 0),
                 coalesce(sum(sessions), 0), coalesce(sum(sessions_before), 0)]::int[] as activity
    from (
      -- One row per cohort learner with a kept activity row (a learner without one has no
      -- answers): the kept table alone, no join; on Citus each shard counts its own learners and
      -- only the sums travel.
      select ${once(inPeriod("a.answer_ts", f.from, f.to))} as answers,
             ${once(inPeriod("a.answer_ts", prevFrom, f.from))} as answers_before,
             ${once(inPeriod("a.session_ts", f.from, f.to))} as sessions,
             ${once(inPeriod("a.session_ts", prevFrom, f.from))} as sessions_before
      from analytics.learner_activity a
      where ${inCohort(tx, f, "a")}
    ) per`;
    const grid = await tx<Row["grid"]>`${bandGridSql(tx, f, lengthMs, 1, citus)}`;
    return { activity, grid };
  }, { snapshot: true, parallel: true });
  const [now, before] = foldBandGrid(row.grid, 1, config);
  const period = (i: 0 | 1, from: Date, to: Date, bands: typeof now): PeriodFigures => ({
    from: from.toISOString(),
    to: to.toISOString(),
    // The cohort's size, counted once: every row of the band grid carries it.
    learners: row.grid[0].learners,
    active_learners: row.activity[i],
    answers: row.activity[2 + i],
    sessions: row.activity[4 + i],
    with_readiness: bands.with_readiness,
    mean_readiness: bands.mean_readiness,
    bands: bands.bands,
  });
  return {
    filters: echo(f),
    current: period(0, f.from, f.to, now),
    previous: period(1, prevFrom, f.from, before),
  };
}

/** The overview as CSV: one row per period (current, previous), one column per band label. */
export function overviewCsv(o: Overview): { header: string[]; rows: (string | number | null)[][] } {
  const labels = [...new Set([...Object.keys(o.current.bands), ...Object.keys(o.previous.bands)])];
  const header = [
    "period",
    "from",
    "to",
    "learners",
    "active_learners",
    "sessions",
    "answers",
    "with_readiness",
    "mean_readiness",
    ...labels.map((l) => `band: ${l}`),
  ];
  const row = (name: string, p: PeriodFigures) => [
    name,
    p.from,
    p.to,
    p.learners,
    p.active_learners,
    p.sessions,
    p.answers,
    p.with_readiness,
    p.mean_readiness,
    ...labels.map((l) => p.bands[l] ?? 0),
  ];
  return { header, rows: [row("current", o.current), row("previous", o.previous)] };
}
