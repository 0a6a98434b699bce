/**
 * learner_latest: each learner's latest snapshot (the learner directory's sorts, the
 * needs-attention list), the overalls of the latest snapshots that have one, and every snapshot's
 * time, band, overall and evidence as arrays in time order (the cohort's bands at any instant).
 */
import type { Queryable } from "../../db/mod.ts";
import { inBatch, probedIn } from "./moments.ts";
import { refreshDirectory } from "../../learners/directory_rows.ts";

/**
 * Rewrites the learners' latest-snapshot rows from their snapshots (after any change to them),
 * under the learners' locks. Rows that did not change are left alone; a learner without
 * snapshots has none.
 */
/** Most overalls kept (newest first): the longest "declining" lookback (100) and the latest. */
export const KEPT_SCORED = 101;

export async function refreshLatest(tx: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  // Two statements, each on the learners' own shards on Citus (an upsert fed by a co-located
  // select, a delete).
  await tx`
    insert into analytics.learner_latest as k
      (user_id, ts, snapshot_id, readiness, previous, band, sufficient, scored_at, scored, snap_ts,
       snap_band, snap_overall, snap_sufficient, level, track, cohort)
    select t.user_id, max(t.ts) filter (where t.rn = 1), max(t.id) filter (where t.rn = 1),
           max(t.readiness_overall) filter (where t.rn = 1),
           max(t.readiness_overall) filter (where t.rn = 2),
           max(t.band) filter (where t.rn = 1),
           bool_or(coalesce((t.meta ->> 'sufficient_evidence')::boolean, true))
             filter (where t.rn = 1),
           max(t.ts) filter (where t.readiness_overall is not null),
           coalesce(array_agg(t.readiness_overall order by t.ts desc, t.id desc)
                      filter (where t.readiness_overall is not null and t.sn <= ${KEPT_SCORED}),
                    '{}'),
           array_agg(t.ts order by t.ts, t.id), array_agg(t.band order by t.ts, t.id),
           array_agg(t.readiness_overall order by t.ts, t.id),
           array_agg(t.readiness_overall is not null
                     and coalesce((t.meta ->> 'sufficient_evidence')::boolean, true)
                     order by t.ts, t.id),
           -- The profile, for profile-filtered cohort figures (one row per learner: max is it).
           max(l.level), max(l.track), max(l.cohort)
    from (
      select r.user_id, r.ts, r.id, r.readiness_overall, r.band, r.meta,
             row_number() over (partition by r.user_id order by r.ts desc, r.id desc) as rn,
             row_number() over (partition by r.user_id, r.readiness_overall is null
                                order by r.ts desc, r.id desc) as sn
      from analytics.user_readiness r
      where ${inBatch(tx, "r", userIds)}
    ) t
    left join analytics.learners l on l.user_id = t.user_id and ${inBatch(tx, "l", userIds)}
    group by t.user_id
    on conflict (user_id) do update
      set ts = excluded.ts, snapshot_id = excluded.snapshot_id, readiness = excluded.readiness,
          previous = excluded.previous, band = excluded.band, sufficient = excluded.sufficient,
          scored_at = excluded.scored_at, scored = excluded.scored, snap_ts = excluded.snap_ts,
          snap_band = excluded.snap_band, snap_overall = excluded.snap_overall,
          snap_sufficient = excluded.snap_sufficient, level = excluded.level,
          track = excluded.track, cohort = excluded.cohort
    where (k.ts, k.snapshot_id, k.readiness, k.previous, k.band, k.sufficient, k.scored_at,
           k.scored, k.snap_ts, k.snap_band, k.snap_overall, k.snap_sufficient, k.level, k.track,
           k.cohort)
      is distinct from (excluded.ts, excluded.snapshot_id, excluded.readiness,
                        excluded.previous, excluded.band, excluded.sufficient,
                        excluded.scored_at, excluded.scored, excluded.snap_ts,
                        excluded.snap_band, excluded.snap_overall, excluded.snap_sufficient,
                        excluded.level, excluded.track, excluded.cohort)`;
  await tx`
    delete from analytics.learner_latest k
    where ${inBatch(tx, "k", userIds)}
      and not exists (
        select 1 from analytics.user_readiness r
        where r.user_id = k.user_id and ${probedIn(tx, "r", userIds)})`;
  // The directory shows the latest snapshot's readiness, band and change.
  await refreshDirectory(tx, userIds);
}
