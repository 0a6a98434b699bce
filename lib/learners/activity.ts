/** Who has been practising lately (admin and coach start pages). */
import type { Queryable } from "../db/mod.ts";

export interface ActiveLearner {
  user_id: string;
  level: string | null;
  track: string | null;
  last_active: Date;
  sessions: number;
  readiness_overall: number | null;
  band: string | null;
}

/** Learners ordered by their latest scored answer, with their latest readiness snapshot. */
export async function recentlyActiveLearners(sql: Queryable, limit = 20): Promise<ActiveLearner[]> {
  return await sql<ActiveLearner[]>`
    select l.user_id, l.level, l.track, s.last_active, s.sessions, r.readiness_overall, r.band
    from (
      select user_id, max(coalesce(completed_at, started_at)) as last_active, count(*)::int as sessions
      from analytics.sessions group by user_id
    ) s
    join analytics.learners l using (user_id)
    left join lateral (
      select readiness_overall, band from analytics.user_readiness ur
      where ur.user_id = s.user_id order by ts desc, id desc limit 1
    ) r on true
    order by s.last_active desc nulls last
    limit ${limit}`;
}
