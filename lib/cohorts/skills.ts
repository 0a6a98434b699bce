/**
 * Per configured skill, how the cohort's participants moved in the period: first, latest and best
 * per-session averages, the lift (latest − first) with a 95 % t-interval, and how many have the
 * skill persistently low at the period's end. One statement; the means are finished exactly here.
 */
import type postgres from "postgres";
import type { Queryable } from "../db/mod.ts";
import { Exact } from "../readiness/mod.ts";
import {
  type CohortFilters,
  computedOnce,
  echo,
  type FiltersEcho,
  inCohort,
  justBefore,
  withWorkMem,
} from "./filters.ts";
import { tInterval95 } from "./stats.ts";
import { isCitusOnce } from "../db/citus.ts";
import type { StaticConfig } from "../static_config.ts";
import { lowSkillRule, lowSkillsSql } from "../sessions/activity.ts";

export interface Lift {
  /** Mean of (latest − first) over participants with ≥ 2 sessions; null when there are none. */
  mean: number | null;
  n: number;
  /** 95 % t-interval of the mean; null when n < 2. */
  ci95: [number, number] | null;
}

export interface SkillFigures {
  skill_tag: string;
  label: string;
  participants: number;
  sessions: number;
  avg_first: number | null;
  avg_latest: number | null;
  avg_best: number | null;
  lift: Lift;
  persistently_low: number;
}

export interface CohortSkills {
  filters: FiltersEcho;
  low_skill_rule: { threshold: number; sessions: number };
  skills: SkillFigures[];
}

/**
 * Participants grouped by skill, by the answer counts of their first, latest and best session and
 * by whether they have ≥ 2 sessions: within a group the per-session averages share a denominator,
 * so sums of their score totals (exact numeric, as text) give the exact means.
 */
interface Group {
  skill_tag: string;
  nf: number;
  nl: number;
  nb: number;
  multi: boolean;
  learners: number;
  sessions: number;
  low: number;
  sf: string;
  sl: string;
  sb: string;
  sll: string;
  slf: string;
  sff: string;
  /** A learner with a session on the skill spanning a bound, in a group of their own; else null. */
  spanning: string | null;
}

/**
 * The statements: per (skill, nf, nl, nb, multi) group the counts and exact sums, from each
 * learner's kept sessions per skill (learner_skill_sessions: in order, sums in hundredths). A
 * period's sessions on the skill are positions i0 + 1 … i1 (binary searches for `from` and `to`);
 * the first and latest are lookups, the best is kept for every position up to the last session
 * (a period ending after it, as the default does) and found among the period's sessions
 * otherwise. Persistently low: each of the N sessions up to i1 below the threshold, exactly.
 * `kept` is one pass over the kept rows, hashed into the groups. A learner and skill with a
 * session that spans `from` or `to` (answers on both sides: its figures count only the answers
 * inside) comes out of it in a group of its own, and `slow` computes those from the answers.
 */
function groupsSql(
  sql: Queryable,
  f: CohortFilters,
  settings: StaticConfig,
  /**
   * On Citus the subqueries are merged into the statement (a subquery kept apart would be
   * planned on the coordinator, with every row it reads sent there) and the statement calls no
   * function of ours: each shard computes and groups its own learners' rows.
   */
  citus: boolean,
) {
  const tags = settings.catalog.skillTags;
  const { threshold, sessions: lastN } = settings.readiness.low_skill;
  // The searches' bounds, a microsecond before `from` and `to`: constants (computed in the app).
  const before = (t: Date) => sql`${justBefore(t.getTime())}::timestamptz`;
  // sum < threshold · n, in hundredths, for the j-th session before i1 (j = 0 … N − 1): integers
  // when the threshold in hundredths is whole (as configured thresholds are), else numeric.
  const hundredths = Exact.of(threshold).times(100);
  const bound = hundredths.d === 1n
    ? `${hundredths.n}::int8`
    : `${String(threshold)}::numeric * 100`;
  const low = sql.unsafe(
    Array.from(
      { length: lastN },
      (_, j) => `y.sum_h[y.i1 - ${j}] < ${bound} * y.n[y.i1 - ${j}]`,
    ).join(" and "),
  );
  // The best of the period's sessions (by average, then the earliest), when the period ends before
  // its learner's last session: on one server its position, from a function (a correlated
  // subquery would keep the statement out of parallel workers); on Citus (where the statement
  // uses no function of ours) one of the sum or the count, from the same ordering.
  const bestInside = (column: "s" | "m") =>
    citus
      ? sql.unsafe(`(
      select u.${column} from unnest(y.sum_h[y.i0 + 1:y.i1], y.n[y.i0 + 1:y.i1])
        with ordinality u(s, m, o)
      order by u.s::numeric / u.m desc, u.o
      limit 1)`)
      : sql.unsafe(column === "s" ? "y.sum_h[y.best]" : "y.n[y.best]");
  const bestPosition = citus ? sql`` : sql`,
    case when z.i1 < cardinality(z.ts)
         then analytics.best_session_between(z.sum_h, z.n, z.i0, z.i1) end as best`;
  const once = (expression: postgres.PendingQuery<postgres.Row[]>) =>
    computedOnce(sql, expression, citus);
  /**
   * The groups of the rows `from` (a table or a subquery in parentheses); `spanning`: a group of
   * its own for each spanning learner and skill.
   */
  const grouped = (from: postgres.PendingQuery<postgres.Row[]>, spanning: boolean) =>
    sql`
    select p.skill_tag, p.nf, p.nl, p.nb, p.k >= 2 as multi, count(*)::int as learners,
           sum(p.k)::int as sessions, (count(*) filter (where p.low))::int as low,
           (sum(p.sf)::numeric / 100)::text as sf, (sum(p.sl)::numeric / 100)::text as sl,
           (sum(p.sb)::numeric / 100)::text as sb,
           -- Products of hundredths as integers (exact; an overflow would fail, not wrap).
           (sum(p.sl * p.sl)::numeric / 10000)::text as sll,
           (sum(p.sl * p.sf)::numeric / 10000)::text as slf,
           (sum(p.sf * p.sf)::numeric / 10000)::text as sff,
           ${sql.unsafe(spanning ? "case when p.spans then p.user_id end" : "null::uuid")}
             as spanning
    from ${from} p
    group by p.skill_tag, p.nf, p.nl, p.nb, p.k >= 2${sql.unsafe(spanning ? ", spanning" : "")}`;
  // One pass over the kept rows: the groups of the learners and skills judged from them, and a
  // group of its own for each learner and skill with a session spanning a bound (rare).
  // (A subquery, not a CTE: a CTE that uses computed_once is always materialized.)
  const x = sql`(
      -- Narrow rows for the grouping, each column computed once, not the arrays they come from.
      select y.user_id, y.skill_tag, ${once(sql`y.i1 - y.i0`)} as k, y.spans,
             y.sum_h[y.i0 + 1] as sf, y.n[y.i0 + 1] as nf, y.sum_h[y.i1] as sl, y.n[y.i1] as nl,
             case when y.i1 = cardinality(y.ts) then y.best_sum_h[y.i0 + 1]
                  else ${bestInside("s")} end as sb,
             case when y.i1 = cardinality(y.ts) then y.best_n[y.i0 + 1]
                  else ${bestInside("m")} end as nb,
             (y.i1 >= ${lastN} and ${low}) as low
      from (
        select z.*, (z.i0 > 0 and z.last_max[z.i0] >= ${f.from})
                      or (z.i1 > 0 and z.last_max[z.i1] >= ${f.to}) as spans ${bestPosition}
        from (
          -- Each binary search once per row.
          select s.user_id, s.skill_tag, s.ts, s.sum_h, s.n, s.best_sum_h, s.best_n, s.last_max,
                 ${once(sql`width_bucket(${before(f.from)}, s.ts)`)} as i0,
                 ${once(sql`width_bucket(${before(f.to)}, s.ts)`)} as i1
          from analytics.learner_skill_sessions s
          where s.skill_tag = any(${tags}::text[]) and ${inCohort(sql, f, "s")}
        ) z
      ) y
      where y.i1 > y.i0 or y.spans
    )`;
  const kept = sql<Group[]>`${grouped(x, true)}`;
  return { kept, slow: (pairs: { user_id: string; skill_tag: string }[]) => slowSql(pairs) };

  /**
   * The groups of the learners and skills with a session spanning `from` or `to` (answers on both
   * sides: its figures count only the answers inside), computed from their answers.
   */
  function slowSql(pairs: { user_id: string; skill_tag: string }[]) {
    const users = pairs.map((p) => p.user_id);
    const skills = pairs.map((p) => p.skill_tag);
    const slowIds = sql`any(${users}::uuid[])`;
    return sql<Group[]>`
    with
    slow as (
      select * from unnest(${users}::uuid[], ${skills}::text[]) s(user_id, skill_tag)
    ),
    ps as (
      -- The spanning learners' sessions on the skill, their answers in the period only.
      select e.user_id, e.skill_tag, e.session_id, min(e.ts) as ts,
             (sum(e.score) * 100)::int8 as s, count(*)::int as n
      from analytics.session_events e
      join slow on slow.user_id = e.user_id and slow.skill_tag = e.skill_tag
      where e.user_id = ${slowIds} and e.ts >= ${f.from} and e.ts < ${f.to}
      group by e.user_id, e.skill_tag, e.session_id
    ),
    ranked as (
      select ps.*,
             row_number() over (partition by user_id, skill_tag order by ts, session_id)
               as first_rank,
             row_number() over (partition by user_id, skill_tag
                                order by ts desc, session_id desc) as last_rank,
             row_number() over (partition by user_id, skill_tag
                                order by s::numeric / n desc, ts, session_id) as best_rank,
             count(*) over (partition by user_id, skill_tag) as k
      from ps
    ),
    low as (
      -- The low-skill rule over their answers before the period's end (the one definition).
      ${lowSkillsSql(sql, sql`${users}::uuid[]`, lowSkillRule(settings), f.to)}
    ),
    slow_per as (
      select r.skill_tag, max(r.k)::int as k,
             max(r.s) filter (where r.first_rank = 1) as sf,
             max(r.n) filter (where r.first_rank = 1) as nf,
             max(r.s) filter (where r.last_rank = 1) as sl,
             max(r.n) filter (where r.last_rank = 1) as nl,
             max(r.s) filter (where r.best_rank = 1) as sb,
             max(r.n) filter (where r.best_rank = 1) as nb,
             bool_or(low.user_id is not null) as low
      from ranked r
      left join low on low.user_id = r.user_id and low.skill_tag = r.skill_tag
      group by r.user_id, r.skill_tag
    )
    ${grouped(sql`slow_per`, false)}`;
  }
}

const round2OrNull = (x: Exact | null) => (x === null ? null : x.round2());
/** An exact value as a JS number (for the interval, which is irrational anyway). */
const toNumber = (x: Exact) => Number(x.toFixed(15));

/** Skill figures from the groups of one skill (pure: the exact means and the interval). */
export function skillFigures(tag: string, label: string, groups: Group[]): SkillFigures {
  let participants = 0;
  let sessions = 0;
  let low = 0;
  let first = Exact.ZERO;
  let latest = Exact.ZERO;
  let best = Exact.ZERO;
  let n = 0;
  let sum = Exact.ZERO;
  let squares = Exact.ZERO;
  for (const g of groups) {
    participants += g.learners;
    sessions += g.sessions;
    low += g.low;
    first = first.plus(Exact.ratio(g.sf, g.nf));
    latest = latest.plus(Exact.ratio(g.sl, g.nl));
    best = best.plus(Exact.ratio(g.sb, g.nb));
    if (g.multi) {
      // x = sl/nl − sf/nf per learner; Σx and Σx² from the group's sums.
      n += g.learners;
      sum = sum.plus(Exact.ratio(g.sl, g.nl)).minus(Exact.ratio(g.sf, g.nf));
      squares = squares
        .plus(Exact.ratio(g.sll, g.nl * g.nl))
        .minus(Exact.ratio(g.slf, g.nl * g.nf).times(2))
        .plus(Exact.ratio(g.sff, g.nf * g.nf));
    }
  }
  const meanOf = (total: Exact) => (participants ? total.div(participants) : null);
  let lift: Lift = { mean: null, n: 0, ci95: null };
  if (n > 0) {
    const m = sum.div(n);
    let ci95: [number, number] | null = null;
    if (n >= 2) {
      // Sample variance (Σx² − (Σx)² / n) / (n − 1), exactly; only √ and t are not.
      const variance = squares.minus(sum.times(sum).div(n)).div(n - 1);
      const interval = tInterval95(toNumber(m), Math.sqrt(toNumber(variance)), n)!;
      ci95 = [Exact.of(interval[0]).round2(), Exact.of(interval[1]).round2()];
    }
    lift = { mean: m.round2(), n, ci95 };
  }
  return {
    skill_tag: tag,
    label,
    participants,
    sessions,
    avg_first: round2OrNull(meanOf(first)),
    avg_latest: round2OrNull(meanOf(latest)),
    avg_best: round2OrNull(meanOf(best)),
    lift,
    persistently_low: low,
  };
}

/** The skills figures of the cohort in the period, one entry per configured skill, in order. */
export async function cohortSkills(
  sql: Queryable,
  f: CohortFilters,
  settings: StaticConfig,
  /** The statement's Citus shape (default: whether the database is Citus). */
  options: { citus?: boolean } = {},
): Promise<CohortSkills> {
  const citus = options.citus ?? await isCitusOnce(sql);
  // Both statements see one snapshot: the spanning learners' figures are of the same moment.
  const rows = await withWorkMem(sql, async (tx) => {
    const statements = groupsSql(tx, f, settings, citus);
    const kept = await statements.kept;
    const pairs = kept.filter((g) => g.spanning !== null)
      .map((g) => ({ user_id: g.spanning!, skill_tag: g.skill_tag }));
    const fromKept = kept.filter((g) => g.spanning === null);
    return pairs.length === 0 ? fromKept : [...fromKept, ...await statements.slow(pairs)];
  }, { snapshot: true });
  const groups = Map.groupBy(rows, (g) => g.skill_tag);
  const { threshold, sessions } = settings.readiness.low_skill;
  return {
    filters: echo(f),
    low_skill_rule: { threshold, sessions },
    skills: settings.catalog.skills.map((s) =>
      skillFigures(s.tag, s.label, groups.get(s.tag) ?? [])
    ),
  };
}

/** The skills as CSV: one row per skill, the lift's interval as two columns. */
export function skillsCsv(
  s: CohortSkills,
): { header: string[]; rows: (string | number | null)[][] } {
  return {
    header: [
      "skill_tag",
      "label",
      "participants",
      "sessions",
      "avg_first",
      "avg_latest",
      "avg_best",
      "lift_mean",
      "lift_n",
      "lift_ci95_lo",
      "lift_ci95_hi",
      "persistently_low",
    ],
    rows: s.skills.map((k) => [
      k.skill_tag,
      k.label,
      k.participants,
      k.sessions,
      k.avg_first,
      k.avg_latest,
      k.avg_best,
      k.lift.mean,
      k.lift.n,
      k.lift.ci95?.[0] ?? null,
      k.lift.ci95?.[1] ?? null,
      k.persistently_low,
    ]),
  };
}
