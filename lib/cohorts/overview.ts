/**
 * The cohort overview: activity in the period and readiness as of its end, for the period and for
 * the period of equal length just before it (one statement).
 */
import type { Queryable } from "../db/mod.ts";
import type { ReadinessConfig } from "../readiness/config.ts";
import { type BandCounts, bandGridSql, foldBandGrid } from "./bands.ts";
import { type CohortFilters, cohortLearners, echo, type FiltersEcho } from "./filters.ts";

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
  learners: number;
  active: [number, number];
  sessions: [number, number];
  answers: [number, number];
  grid: Parameters<typeof foldBandGrid>[0];
}

/**
 * `{ current, previous }`: activity counts whose time is in each period (an answer's time is its
 * own; a session's is its first answer's, wherever that answer lies), and band counts and mean
 * readiness as of each period's end (snapshots strictly before it).
 */
export async function cohortOverview(
  sql: Queryable,
  f: CohortFilters,
  config: ReadinessConfig,
): Promise<Overview> {
  const lengthMs = f.to.getTime() - f.from.getTime();
  const prevFrom = new Date(f.from.getTime() - lengthMs);
  const [row] = await sql<Row[]>`
    with c as (${cohortLearners(sql, f)}),
    ans as (
      -- One row per answer (its rows per skill share the answer's time).
      select e.user_id, e.session_id, e.answer_id, min(e.ts) as ts
      from analytics.session_events e
      where e.user_id in (select user_id from c) and e.ts >= ${prevFrom} and e.ts < ${f.to}
      group by e.user_id, e.session_id, e.answer_id
    ),
    sess as (
      -- A session's time is its first answer's: a session with an answer before both periods
      -- counts in neither, else its time is its first answer here (one index probe each).
      select a.user_id, a.session_id, min(a.ts) as ts
      from ans a
      group by a.user_id, a.session_id
      having not exists (
        select 1 from analytics.session_events e
        where e.user_id = a.user_id and e.session_id = a.session_id and e.ts < ${prevFrom})
    )
    select
      (select count(*) from c)::int as learners,
      (select array[count(distinct user_id) filter (where ts >= ${f.from}),
                    count(distinct user_id) filter (where ts < ${f.from})]::int[] from ans) as active,
      (select array[count(*) filter (where ts >= ${f.from}),
                    count(*) filter (where ts < ${f.from})]::int[] from ans) as answers,
      (select array[count(*) filter (where ts >= ${f.from}),
                    count(*) filter (where ts >= ${prevFrom} and ts < ${f.from})]::int[]
       from sess) as sessions,
      (select coalesce(json_agg(g), '[]') from (${bandGridSql(sql, f, lengthMs, 1)}) g) as grid`;
  const [now, before] = foldBandGrid(row.grid, 1, config);
  const period = (i: 0 | 1, from: Date, to: Date, bands: typeof now): PeriodFigures => ({
    from: from.toISOString(),
    to: to.toISOString(),
    learners: row.learners,
    active_learners: row.active[i],
    sessions: row.sessions[i],
    answers: row.answers[i],
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
