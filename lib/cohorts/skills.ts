/**
 * Per configured skill, how the cohort's participants moved in the period: first, latest and best
 * per-session averages, the lift (latest − first) with a 95 % t-interval, and how many have the
 * skill persistently low at the period's end. One statement; the means are finished exactly here.
 */
import type { Queryable } from "../db/mod.ts";
import { Exact } from "../readiness/mod.ts";
import { type CohortFilters, cohortLearners, echo, type FiltersEcho } from "./filters.ts";
import { tInterval95 } from "./stats.ts";
import type { StaticConfig } from "../static_config.ts";

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
}

/** The statement: per (skill, nf, nl, nb, multi) group the counts and exact sums. */
function groupsSql(sql: Queryable, f: CohortFilters, settings: StaticConfig) {
  const tags = settings.catalog.skillTags;
  const { threshold, sessions: lastN } = settings.readiness.low_skill;
  return sql<Group[]>`
    with c as (${cohortLearners(sql, f)}),
    ps as (
      -- One row per learner, skill and session in the period: the session's answers on the skill.
      select e.user_id, e.skill_tag, e.session_id, min(e.ts) as ts, sum(e.score) as s,
             count(*)::int as n
      from analytics.session_events e
      where e.user_id in (select user_id from c) and e.ts >= ${f.from} and e.ts < ${f.to}
        and e.skill_tag = any(${tags}::text[])
      group by e.user_id, e.skill_tag, e.session_id
    ),
    ranked as (
      select ps.*,
             row_number() over w_first as first_rank,
             row_number() over (partition by user_id, skill_tag
                                order by ts desc, session_id desc) as last_rank,
             row_number() over (partition by user_id, skill_tag
                                order by s / n desc, ts, session_id) as best_rank,
             count(*) over (partition by user_id, skill_tag) as k
      from ps
      window w_first as (partition by user_id, skill_tag order by ts, session_id)
    ),
    per as (
      select user_id, skill_tag, max(k)::int as k,
             max(s) filter (where first_rank = 1) as sf, max(n) filter (where first_rank = 1) as nf,
             max(s) filter (where last_rank = 1) as sl, max(n) filter (where last_rank = 1) as nl,
             max(s) filter (where best_rank = 1) as sb, max(n) filter (where best_rank = 1) as nb
      from ranked group by user_id, skill_tag
    ),
    hist as (
      -- The participants' sessions on the skill before the period's end (the low-skill rule).
      select e.user_id, e.skill_tag, e.session_id, min(e.ts) as ts, sum(e.score) as s,
             count(*) as n
      from analytics.session_events e
      where (e.user_id, e.skill_tag) in (select user_id, skill_tag from per) and e.ts < ${f.to}
      group by e.user_id, e.skill_tag, e.session_id
    ),
    last_n as (
      select h.*, row_number() over (partition by user_id, skill_tag
                                     order by ts desc, session_id desc) as rn
      from hist h
    ),
    low as (
      -- Below the threshold, exactly (sum < threshold · answers), in each of the last N sessions.
      select user_id, skill_tag from last_n where rn <= ${lastN}
      group by user_id, skill_tag
      having count(*) = ${lastN} and bool_and(s < ${String(threshold)}::numeric * n)
    )
    select p.skill_tag, p.nf, p.nl, p.nb, p.k >= 2 as multi, count(*)::int as learners,
           sum(p.k)::int as sessions, (count(*) filter (where low.user_id is not null))::int as low,
           sum(p.sf)::text as sf, sum(p.sl)::text as sl, sum(p.sb)::text as sb,
           sum(p.sl * p.sl)::text as sll, sum(p.sl * p.sf)::text as slf,
           sum(p.sf * p.sf)::text as sff
    from per p
    left join low on low.user_id = p.user_id and low.skill_tag = p.skill_tag
    group by p.skill_tag, p.nf, p.nl, p.nb, p.k >= 2`;
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
): Promise<CohortSkills> {
  const groups = Map.groupBy(await groupsSql(sql, f, settings), (g) => g.skill_tag);
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
