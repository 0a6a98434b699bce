/** Learners for the coach and admin lists, including those with a profile but no session yet. */
import type { Queryable } from "../db/mod.ts";

export interface ListedLearner {
  user_id: string;
  display_name: string | null;
  level: string | null;
  track: string | null;
  cohort: string | null;
  /** Latest session activity; null for a profile without sessions. */
  last_active: Date | null;
  sessions: number;
  readiness_overall: number | null;
  band: string | null;
}

/**
 * Learners, most recently active first; profiles without sessions follow, newest profile first.
 * One statement, each learner's latest snapshot through a per-learner lateral lookup.
 */
export async function listLearners(sql: Queryable, limit = 50): Promise<ListedLearner[]> {
  return await sql<ListedLearner[]>`
    select l.user_id, l.display_name, l.level, l.track, l.cohort, s.last_active,
           coalesce(s.sessions, 0)::int as sessions, r.readiness_overall, r.band
    from analytics.learners l
    left join lateral (
      select max(coalesce(x.completed_at, x.started_at)) as last_active, count(*)::int as sessions
      from analytics.sessions x where x.user_id = l.user_id
    ) s on true
    left join lateral (
      select readiness_overall, band from analytics.user_readiness ur
      where ur.user_id = l.user_id order by ts desc, id desc limit 1
    ) r on true
    order by s.last_active desc nulls last, l.created_at desc, l.user_id
    limit ${limit}`;
}

/** How many learners have scored answers: the ones the admin's "Recompute all" covers. */
export async function countLearnersWithAnswers(sql: Queryable): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from analytics.learners l
    where exists (select 1 from analytics.session_events e where e.user_id = l.user_id)`;
  return n;
}
