/**
 * Cohort question: how long learners take from readiness A to readiness B. Learners who have not
 * reached B yet are censored (Kaplan–Meier), not dropped, so the estimate is not biased towards the
 * fast ones.
 */
import type { Queryable } from "../db/mod.ts";
import { round2 } from "./formula.ts";

export interface Observation {
  /** Days from first reaching `from` to first reaching `to`, or to the latest snapshot if not yet. */
  days: number;
  /** true: reached `to`; false: censored (not reached yet). */
  reached: boolean;
  /** How many learners share this time and outcome (default 1). */
  count?: number;
}

export interface KaplanMeierStep {
  days: number;
  at_risk: number;
  reached: number;
  censored: number;
  /** Estimated share of learners who have not reached `to` after `days`. */
  not_yet_reached: number;
}

/** Kaplan–Meier estimate; at tied times, events count before censorings (the usual convention). */
export function kaplanMeier(observations: Observation[]): {
  curve: KaplanMeierStep[];
  median_days: number | null;
} {
  // One sort and one sweep (observations may carry a count: learners at the same time).
  const byTime = new Map<number, { reached: number; censored: number }>();
  for (const o of observations) {
    const n = o.count ?? 1;
    const step = byTime.get(o.days) ?? { reached: 0, censored: 0 };
    if (o.reached) step.reached += n;
    else step.censored += n;
    byTime.set(o.days, step);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const curve: KaplanMeierStep[] = [];
  let survival = 1;
  let atRisk = observations.reduce((sum, o) => sum + (o.count ?? 1), 0);
  let median: number | null = null;
  for (const days of times) {
    const { reached, censored } = byTime.get(days)!;
    if (reached > 0) survival *= 1 - reached / atRisk;
    curve.push({
      days: round2(days),
      at_risk: atRisk,
      reached,
      censored,
      not_yet_reached: Math.round(survival * 1e6) / 1e6,
    });
    // Median: the first time the estimated share still on the way drops to one half or below.
    if (median === null && survival <= 0.5) median = days;
    atRisk -= reached + censored;
  }
  return { curve, median_days: median === null ? null : round2(median) };
}

export interface TimeToReadiness {
  from: number;
  to: number;
  level: string | null;
  learners: { reached_from: number; reached_to: number; not_yet_reached: number };
  reached_only: { description: string; median_days: number | null; mean_days: number | null };
  kaplan_meier: { description: string; median_days: number | null; curve: KaplanMeierStep[] };
}

/**
 * From readiness_crossings (kept as snapshots are written): the learners who crossed `from`, each
 * with their crossing of `to` and their latest snapshot; proportional to the learners, whatever
 * their number of snapshots. Whole-point thresholds only.
 */
function fromProgressSql(
  sql: Queryable,
  query: { from: number; to: number; level?: string },
) {
  const level = query.level
    ? sql`join analytics.learners l on l.user_id = f.user_id and l.level = ${query.level}`
    : sql``;
  return sql`
    select extract(epoch from t.reached_at - f.reached_at) / 86400 as days_to,
           extract(epoch from p.last_ts - f.reached_at) / 86400 as days_observed
    from analytics.readiness_crossings f
    join analytics.readiness_progress p on p.user_id = f.user_id
    left join analytics.readiness_crossings t
      on t.user_id = f.user_id and t.threshold = ${query.to}::smallint
    ${level}
    where f.threshold = ${query.from}::smallint`;
}

/** From every snapshot: for thresholds that are not whole points. */
function fromSnapshotsSql(
  sql: Queryable,
  query: { from: number; to: number; level?: string },
) {
  const level = query.level ? sql`and l.level = ${query.level}` : sql``;
  return sql`
    with snaps as (
      select r.user_id, r.ts, r.readiness_overall as overall
      from analytics.user_readiness r
      join analytics.learners l on l.user_id = r.user_id ${level}
      where r.readiness_overall is not null
        -- Scores from too little evidence do not count as having reached anything.
        and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true)
    ), start as (
      select user_id, min(ts) as t0 from snaps where overall >= ${query.from} group by user_id
    )
    select extract(epoch from min(s.ts) filter (where s.overall >= ${query.to}) - st.t0) / 86400
             as days_to,
           extract(epoch from max(s.ts) - st.t0) / 86400 as days_observed
    from start st join snaps s on s.user_id = st.user_id and s.ts >= st.t0
    group by s.user_id, st.t0`;
}

/**
 * Time from first reaching `from` to first reaching `to` for learners (of `level`, if given), from
 * their snapshots with enough evidence. Snapshots are dated by their evidence, so the days are
 * those between the sessions where the learner crossed the thresholds.
 */
export async function timeToReadiness(
  sql: Queryable,
  query: { from: number; to: number; level?: string },
): Promise<TimeToReadiness> {
  const whole = Number.isInteger(query.from) && Number.isInteger(query.to) && query.from >= 0 &&
    query.to <= 100 && query.from < query.to;
  const rows = whole ? fromProgressSql(sql, query) : fromSnapshotsSql(sql, query);
  // Grouped in the database, in one statement: the curve needs counts per time, not one row per
  // learner. Times are grouped to 0.01 day (about a quarter of an hour), the precision the curve
  // is reported in.
  const [summary] = await sql<
    {
      learners: number;
      reached: number;
      mean: number | null;
      median: number | null;
      steps: { days: number; reached: boolean; n: number }[] | null;
    }[]
  >`
    with obs as materialized (${rows}),
    steps as (
      select round(coalesce(days_to, days_observed)::numeric, 2)::float8 as days,
             days_to is not null as reached, count(*)::int as n
      from obs group by 1, 2
    )
    select count(*)::int as learners, count(days_to)::int as reached,
           avg(days_to)::float8 as mean,
           percentile_cont(0.5) within group (order by days_to) as median,
           (select json_agg(steps) from steps) as steps
    from obs`;
  const steps = summary.steps ?? [];
  const observations: Observation[] = steps.map((r) => ({
    days: r.days,
    reached: r.reached,
    count: r.n,
  }));
  const observedMedian = summary.median;
  const mean = summary.mean;
  const reachedCount = summary.reached;
  return {
    from: query.from,
    to: query.to,
    level: query.level ?? null,
    learners: {
      reached_from: summary.learners,
      reached_to: reachedCount,
      not_yet_reached: summary.learners - reachedCount,
    },
    reached_only: {
      description:
        `Only learners who reached ${query.to}: days from their first snapshot at or above ${query.from} to their first at or above ${query.to}. Leaves out learners still on the way, so it is biased low.`,
      median_days: observedMedian === null ? null : round2(observedMedian),
      mean_days: mean === null ? null : round2(mean),
    },
    kaplan_meier: {
      description:
        `Kaplan–Meier estimate over every learner who reached ${query.from}; those who have not reached ${query.to} yet count as censored at their latest snapshot. median_days is when the estimated share not yet at ${query.to} first drops to 50% or below (null: not yet).`,
      ...kaplanMeier(observations),
    },
  };
}
