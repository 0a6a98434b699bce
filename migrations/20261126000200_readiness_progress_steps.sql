-- migrate:up
-- Time-to-readiness for any threshold, not only whole points, from the one progress row per
-- learner: the row keeps the learner's new bests instead of the whole points reached. best_at[i]
-- is the time of the i-th snapshot (with sufficient evidence, in time order) whose overall is above
-- every earlier one, best_hundredths[i] that overall × 100 (exact: overall is numeric(5, 2)). The
-- bests rise strictly, so the first time a learner reached a threshold x (in hundredths) is
-- best_at[width_bucket(x - 1, best_hundredths) + 1], a binary search. The first new best is the
-- first snapshot, so best_at[1] = first_ts.
-- One ALTER per EXECUTE (Citus: see 20261125000300).
do $$
begin
  execute 'alter table analytics.readiness_progress
    add column best_at timestamptz[] not null default ''{}''';
  execute 'alter table analytics.readiness_progress
    add column best_hundredths int[] not null default ''{}''';
end
$$;

-- Rebuilt from the snapshots (the source), as lib/readiness/snapshots.ts refreshProgress does.
update analytics.readiness_progress p
set best_at = b.best_at, best_hundredths = b.best_hundredths
from (
  select m.user_id,
         array_agg(m.ts order by m.ts, m.id) filter (where m.new_best) as best_at,
         array_agg(m.h order by m.ts, m.id) filter (where m.new_best) as best_hundredths
  from (
    select s.user_id, s.ts, s.id, s.h,
           coalesce(s.h > max(s.h) over (partition by s.user_id order by s.ts, s.id
                                         rows between unbounded preceding and 1 preceding),
                    true) as new_best
    from (
      select r.user_id, r.ts, r.id, (r.readiness_overall * 100)::int as h
      from analytics.user_readiness r
      where r.readiness_overall is not null
        and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true)
    ) s
  ) m
  group by m.user_id
) b
where b.user_id = p.user_id;
-- A progress row without snapshots behind it has nothing to keep.
delete from analytics.readiness_progress where cardinality(best_at) = 0;

do $$
begin
  execute 'alter table analytics.readiness_progress alter column best_at drop default';
  execute 'alter table analytics.readiness_progress alter column best_hundredths drop default';
  execute 'alter table analytics.readiness_progress
    add constraint readiness_progress_bests_check
      check (cardinality(best_at) >= 1 and cardinality(best_at) = cardinality(best_hundredths)
             and array_position(best_at, null) is null
             and array_position(best_hundredths, null) is null
             and best_hundredths[1] >= 0 and best_hundredths[cardinality(best_hundredths)] <= 10000)';
  execute 'alter table analytics.readiness_progress drop column reached_at';
end
$$;

comment on column analytics.readiness_progress.best_at is 'best_at[i]: when overall readiness (snapshots with sufficient evidence) rose above every earlier snapshot for the i-th time; best_at[1] is the first snapshot. Rewritten whenever the learner''s snapshots are written.';
comment on column analytics.readiness_progress.best_hundredths is 'best_hundredths[i]: the overall × 100 of best_at[i], strictly rising. The first time the learner reached x hundredths is best_at[width_bucket(x - 1, best_hundredths) + 1].';
comment on table analytics.readiness_progress is 'Per learner, the first and latest snapshot with sufficient evidence (time-to-readiness censors at last_ts) and each new best overall. Rewritten whenever the learner''s snapshots are written.';

-- migrate:down
do $$
begin
  execute 'alter table analytics.readiness_progress
    add column reached_at timestamptz[] not null default ''{}''';
end
$$;

-- reached_at[k + 1]: the first new best at or above k points, for k = 0 up to the best reached.
update analytics.readiness_progress p
set reached_at = (
  select array_agg(p.best_at[width_bucket(k * 100 - 1, p.best_hundredths) + 1] order by k)
  from generate_series(0, p.best_hundredths[cardinality(p.best_hundredths)] / 100) k
);

do $$
begin
  execute 'alter table analytics.readiness_progress alter column reached_at drop default';
  execute 'alter table analytics.readiness_progress
    add constraint readiness_progress_reached_at_check
      check (cardinality(reached_at) <= 101 and array_position(reached_at, null) is null)';
  execute 'alter table analytics.readiness_progress drop column best_at';
  execute 'alter table analytics.readiness_progress drop column best_hundredths';
end
$$;

comment on column analytics.readiness_progress.reached_at is 'reached_at[k + 1]: when overall readiness (snapshots with sufficient evidence) first reached the whole point k, for k = 0 up to the best reached. Rewritten whenever the learner''s snapshots are written.';
comment on table analytics.readiness_progress is 'Per learner, the first and latest snapshot with sufficient evidence (time-to-readiness censors at last_ts) and when each whole point was first reached. Rewritten whenever the learner''s snapshots are written.';
