/** learner_latest: each learner's latest snapshot, kept for the learner directory's sorts. */
import type { Queryable } from "../../db/mod.ts";
import { inBatch, probedIn } from "./moments.ts";

/**
 * Rewrites the learners' latest-snapshot rows from their snapshots (after any change to them),
 * under the learners' locks. Rows that did not change are left alone; a learner without
 * snapshots has none.
 */
export async function refreshLatest(tx: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  // Two statements, each on the learners' own shards on Citus (an upsert fed by a co-located
  // select, a delete).
  await tx`
    insert into analytics.learner_latest as k
      (user_id, ts, snapshot_id, readiness, previous, band, sufficient)
    select t.user_id, t.ts, t.id, t.readiness_overall, t.previous, t.band,
           coalesce((t.meta ->> 'sufficient_evidence')::boolean, true)
    from (
      select r.user_id, r.ts, r.id, r.readiness_overall, r.band, r.meta,
             lead(r.readiness_overall) over w as previous,
             row_number() over w as rn
      from analytics.user_readiness r
      where ${inBatch(tx, "r", userIds)}
      window w as (partition by r.user_id order by r.ts desc, r.id desc)
    ) t
    where t.rn = 1
    on conflict (user_id) do update
      set ts = excluded.ts, snapshot_id = excluded.snapshot_id, readiness = excluded.readiness,
          previous = excluded.previous, band = excluded.band, sufficient = excluded.sufficient
    where (k.ts, k.snapshot_id, k.readiness, k.previous, k.band, k.sufficient)
      is distinct from (excluded.ts, excluded.snapshot_id, excluded.readiness,
                        excluded.previous, excluded.band, excluded.sufficient)`;
  await tx`
    delete from analytics.learner_latest k
    where ${inBatch(tx, "k", userIds)}
      and not exists (
        select 1 from analytics.user_readiness r
        where r.user_id = k.user_id and ${probedIn(tx, "r", userIds)})`;
}
