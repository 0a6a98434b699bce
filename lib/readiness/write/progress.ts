/** readiness_progress: each learner's first, latest and new-best snapshots, kept for time to readiness. */
import type { Queryable } from "../../db/mod.ts";
import { inBatch, probedIn } from "./moments.ts";

/**
 * Rewrites the learners' progress rows from their snapshots with sufficient evidence: the first and
 * latest snapshot, and each new best overall (`best_at`, `best_hundredths`: what time-to-readiness
 * reads). Rows that did not change are left alone.
 */
export async function refreshProgress(tx: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  // Two statements, each on the learners' own shards on Citus (an upsert fed by a co-located
  // select, a delete): no step through the coordinator.
  await tx`
    insert into analytics.readiness_progress as p
      (user_id, first_ts, last_ts, best_at, best_hundredths)
    select user_id, min(ts), max(ts),
           array_agg(ts order by ts, id) filter (where new_best),
           array_agg(h order by ts, id) filter (where new_best)
    from (
      -- A new best: above every earlier snapshot (the first one is).
      select s.*, coalesce(s.h > max(s.h) over (
               partition by s.user_id order by s.ts, s.id
               rows between unbounded preceding and 1 preceding), true) as new_best
      from (
        select r.user_id, r.ts, r.id, (r.readiness_overall * 100)::int as h
        from analytics.user_readiness r
        where ${inBatch(tx, "r", userIds)} and r.readiness_overall is not null
          and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true)
      ) s
    ) marked
    group by user_id
    on conflict (user_id) do update
      set first_ts = excluded.first_ts, last_ts = excluded.last_ts,
          best_at = excluded.best_at, best_hundredths = excluded.best_hundredths
    where (p.first_ts, p.last_ts, p.best_at, p.best_hundredths)
      is distinct from (excluded.first_ts, excluded.last_ts, excluded.best_at,
                        excluded.best_hundredths)`;
  await tx`
    delete from analytics.readiness_progress p
    where ${inBatch(tx, "p", userIds)}
      and not exists (
        select 1 from analytics.user_readiness r
        where r.user_id = p.user_id and ${probedIn(tx, "r", userIds)}
          and r.readiness_overall is not null
          and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true))`;
}
