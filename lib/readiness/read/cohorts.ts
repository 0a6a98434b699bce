/**
 * Cohort question: how long learners take from readiness A to readiness B. Learners who have not
 * reached B yet are censored (Kaplan–Meier), not dropped, so the estimate is not biased towards the
 * fast ones.
 */
import type { Queryable } from "../../db/mod.ts";
import { round2 } from "../formula.ts";

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

/** A hundredth of a day in microseconds: days are reported to 0.01. */
const HUNDREDTH_US = 864_000_000n;

/**
 * From readiness_progress (kept as snapshots are written): one row per learner who reached `from`,
 * with the microseconds from first reaching `from` to first reaching `to`, or to their latest
 * snapshot if not yet (censored). Reads one row per learner, whatever their number of snapshots.
 * A threshold x is reached by an overall ≥ x, that is (overall is in hundredths) by a new best of
 * at least ceil(100 x) hundredths: the first one is found by binary search in the rising bests.
 */
function observationsSql(sql: Queryable, query: { from: number; to: number; level?: string }) {
  const level = query.level
    ? sql`and p.user_id in (
        select l.user_id from analytics.learners l where l.level = ${query.level})`
    : sql``;
  // Exact: the thresholds reach the database as decimal text, read as numeric.
  const hundredths = (x: number) => sql`ceil(${String(x)}::numeric * 100)::int`;
  const first = (x: number) =>
    sql`p.best_at[width_bucket(${hundredths(x)} - 1, p.best_hundredths) + 1]`;
  return sql`
    select round(date_part('epoch',
             coalesce(${first(query.to)}, p.last_ts) - ${first(query.from)}) * 1e6)::int8 as us,
           ${first(query.to)} is not null as reached
    from analytics.readiness_progress p
    where p.best_hundredths[cardinality(p.best_hundredths)] >= ${hundredths(query.from)} ${level}`;
}

/** One group of learners: the same time to 0.01 day and the same outcome. */
interface Group {
  /** Days × 100, rounded half up from the exact time. */
  hundredths: bigint;
  reached: boolean;
  n: number;
  /** Exact sum, least and greatest of the times in the group, in microseconds. */
  sum: bigint;
  min: bigint;
  max: bigint;
}

/** round(a / b) half up, for a, b ≥ 0, on integers. */
const roundDiv = (a: bigint, b: bigint) => (2n * a + b) / (2n * b);

/**
 * The median of the reached learners' times, in hundredths of a day, exactly: the groups hold
 * contiguous runs of the sorted times, so the middle time(s) are found by counting, and when the two
 * middle times sit in different groups they are the greatest of one and the least of the next.
 */
function medianHundredths(groups: Group[]): bigint | null {
  const sorted = groups.filter((g) => g.reached).sort((a, b) =>
    a.hundredths < b.hundredths ? -1 : a.hundredths > b.hundredths ? 1 : 0
  );
  const total = sorted.reduce((sum, g) => sum + g.n, 0);
  if (total === 0) return null;
  const lower = Math.floor((total - 1) / 2);
  const upper = Math.floor(total / 2);
  let seen = 0;
  for (let i = 0; i < sorted.length; i++) {
    const g = sorted[i];
    if (lower < seen + g.n) {
      // Both middle times in this group: their mean rounds to the group's hundredth too.
      if (upper < seen + g.n) return g.hundredths;
      return roundDiv(g.max + sorted[i + 1].min, 2n * HUNDREDTH_US);
    }
    seen += g.n;
  }
  return null;
}

const toDays = (hundredths: bigint) => Number(hundredths) / 100;

/**
 * Time from first reaching `from` to first reaching `to` for learners (of `level`, if given), from
 * their snapshots with enough evidence. Snapshots are dated by their evidence, so the days are
 * those between the sessions where the learner crossed the thresholds.
 */
export async function timeToReadiness(
  sql: Queryable,
  query: { from: number; to: number; level?: string },
): Promise<TimeToReadiness> {
  const rows = observationsSql(sql, query);
  // Grouped in the database, in one statement: the curve needs counts per time (to 0.01 day, about
  // a quarter of an hour, the precision it is reported in), not one row per learner. Times are
  // whole microseconds, so sums, means and medians are exact and rounded once.
  const groups = (await sql<
    { hundredths: string; reached: boolean; n: number; sum: string; min: string; max: string }[]
  >`
    -- One narrow row per learner first, then grouped (grouping the learners' rows directly lets the
    -- planner sort whole progress rows). 864000000 µs is a hundredth of a day: adding half of it
    -- rounds half up.
    with obs as materialized (${rows})
    select (us + 432000000) / 864000000 as hundredths,
           reached, count(*)::int as n, sum(us)::text as sum, min(us)::text as min,
           max(us)::text as max
    from obs
    group by 1, 2`).map((r): Group => ({
    hundredths: BigInt(r.hundredths),
    reached: r.reached,
    n: r.n,
    sum: BigInt(r.sum),
    min: BigInt(r.min),
    max: BigInt(r.max),
  }));
  const learners = groups.reduce((sum, g) => sum + g.n, 0);
  const reachedCount = groups.reduce((sum, g) => sum + (g.reached ? g.n : 0), 0);
  const reachedSum = groups.reduce((sum, g) => sum + (g.reached ? g.sum : 0n), 0n);
  const median = medianHundredths(groups);
  const observations: Observation[] = groups.map((g) => ({
    days: toDays(g.hundredths),
    reached: g.reached,
    count: g.n,
  }));
  return {
    from: query.from,
    to: query.to,
    level: query.level ?? null,
    learners: {
      reached_from: learners,
      reached_to: reachedCount,
      not_yet_reached: learners - reachedCount,
    },
    reached_only: {
      description:
        `Only learners who reached ${query.to}: days from their first snapshot at or above ${query.from} to their first at or above ${query.to}. Leaves out learners still on the way, so it is biased low.`,
      median_days: median === null ? null : toDays(median),
      mean_days: reachedCount === 0
        ? null
        : toDays(roundDiv(reachedSum, BigInt(reachedCount) * HUNDREDTH_US)),
    },
    kaplan_meier: {
      description:
        `Kaplan–Meier estimate over every learner who reached ${query.from}; those who have not reached ${query.to} yet count as censored at their latest snapshot. median_days is when the estimated share not yet at ${query.to} first drops to 50% or below (null: not yet).`,
      ...kaplanMeier(observations),
    },
  };
}
