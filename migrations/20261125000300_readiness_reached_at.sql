-- migrate:up
-- Time-to-readiness reads one narrow row per learner instead of joining a row per learner and
-- whole point (up to 101 per learner) twice: the crossings move into an array on the progress
-- row, reached_at[k + 1] = when overall readiness first reached k (Postgres arrays start at 1).
-- Every point up to the best reached is present (a learner who reached 55 has reached 0..55), so
-- the array has no holes and cardinality(reached_at) - 1 is the best whole point reached.
alter table analytics.readiness_progress
  add column reached_at timestamptz[] not null default '{}';

update analytics.readiness_progress p
set reached_at = c.reached_at
from (
  select user_id, array_agg(reached_at order by threshold) as reached_at
  from analytics.readiness_crossings group by user_id
) c
where c.user_id = p.user_id;

-- One ALTER per EXECUTE: on a Citus cluster (tables already distributed) these subcommands reach
-- the shards as the text of the statement, which fails when that text is this whole file (dbmate
-- sends it at once) and also when one ALTER holds ADD CONSTRAINT with another subcommand.
do $$
begin
  execute 'alter table analytics.readiness_progress alter column reached_at drop default';
  execute 'alter table analytics.readiness_progress
    add constraint readiness_progress_reached_at_check
      check (cardinality(reached_at) <= 101 and array_position(reached_at, null) is null)';
end
$$;

comment on column analytics.readiness_progress.reached_at is 'reached_at[k + 1]: when overall readiness (snapshots with sufficient evidence) first reached the whole point k, for k = 0 up to the best reached. Rewritten whenever the learner''s snapshots are written.';
comment on table analytics.readiness_progress is 'Per learner, the first and latest snapshot with sufficient evidence (time-to-readiness censors at last_ts) and when each whole point was first reached. Rewritten whenever the learner''s snapshots are written.';

drop table analytics.readiness_crossings;

-- migrate:down
create table analytics.readiness_crossings (
  user_id    uuid not null references analytics.learners (user_id) on delete cascade,
  threshold  smallint not null check (threshold between 0 and 100),
  reached_at timestamptz not null,
  constraint readiness_crossings_pkey primary key (user_id, threshold)
);
create index readiness_crossings_threshold_idx
  on analytics.readiness_crossings (threshold, user_id) include (reached_at);
comment on table analytics.readiness_crossings is 'When each learner''s overall readiness (snapshots with sufficient evidence) first reached each whole point 0..100. Rewritten whenever the learner''s snapshots are written.';

insert into analytics.readiness_crossings (user_id, threshold, reached_at)
select p.user_id, (r.k - 1)::smallint, r.reached_at
from analytics.readiness_progress p
cross join lateral unnest(p.reached_at) with ordinality as r (reached_at, k);

-- In an EXECUTE of its own, like the ALTERs of the up migration (Citus).
do $$
begin
  execute 'alter table analytics.readiness_progress drop column reached_at';
end
$$;
comment on table analytics.readiness_progress is 'Per learner, the first and latest snapshot with sufficient evidence (time-to-readiness censors at last_ts). Rewritten whenever the learner''s snapshots are written.';
