-- migrate:up
-- The learner directory's rows, kept: one per learner with every column the directory shows
-- (profile, label, session count and last activity, the latest snapshot's readiness, band and
-- change), so that a page is one walk of one table's index in the sort's order that stops at the
-- page's end, without joining the profile, the snapshots or the sessions per row. Rewritten in
-- the transaction that writes what it is made of, under the learner's lock
-- (lib/learners/directory_rows.ts: refreshDirectory, called with the latest-snapshot rows, the
-- activity rows, a profile change and a completion). No foreign key (as the other kept rows,
-- 20261209000700): an erase deletes every per-learner table by user_id under the same lock.
create table analytics.learner_directory (
  user_id     uuid not null primary key,
  level       text,
  track       text,
  cohort      text,
  label       text not null,
  sessions    int not null,
  last_active timestamptz,
  readiness   numeric(5, 2),
  band        text,
  delta       numeric(6, 2),
  row_json    text not null
);
comment on table analytics.learner_directory is 'Per learner, the directory''s row as the sources say now: profile, label, sessions and last activity (analytics.sessions), the latest snapshot''s readiness, band and change (learner_latest). Rewritten with them.';
comment on column analytics.learner_directory.row_json is 'The row as GET /api/learners answers it (a JSON object; last_active in UTC with milliseconds, as JavaScript writes it): a page is these joined.';
-- Both orders of every sort that can be null, ties by user id ascending in each (a backward scan
-- would reverse the ties); the rows without the figure follow in user id order (primary key).
create index learner_directory_readiness_asc_idx
  on analytics.learner_directory (readiness, user_id) where readiness is not null;
create index learner_directory_readiness_desc_idx
  on analytics.learner_directory (readiness desc nulls last, user_id) where readiness is not null;
create index learner_directory_delta_asc_idx
  on analytics.learner_directory (delta, user_id) where delta is not null;
create index learner_directory_delta_desc_idx
  on analytics.learner_directory (delta desc nulls last, user_id) where delta is not null;
-- A level filter with the sort by readiness (a coach's look at one level): the level's rows in
-- readiness order, instead of every row of the sort's index until the page has enough of them.
create index learner_directory_level_readiness_asc_idx
  on analytics.learner_directory (level, readiness, user_id) where readiness is not null;
create index learner_directory_level_readiness_desc_idx
  on analytics.learner_directory (level, readiness desc nulls last, user_id)
  where readiness is not null;
create index learner_directory_last_active_asc_idx
  on analytics.learner_directory (last_active, user_id) where last_active is not null;
create index learner_directory_last_active_desc_idx
  on analytics.learner_directory (last_active desc nulls last, user_id) where last_active is not null;

-- The directory's total for a profile filter: the learners of each profile (level, track,
-- cohort), counted as the directory rows are written, so a total is a sum over a few rows instead
-- of a count of every matching learner. Written only when a learner is added, erased or changes
-- profile.
create table analytics.learner_profile_counts (
  level    text,
  track    text,
  cohort   text,
  learners int not null,
  constraint learner_profile_counts_key unique nulls not distinct (level, track, cohort)
);
comment on table analytics.learner_profile_counts is 'Learners per profile (level, track, cohort; null is a value), kept with learner_directory: the directory''s total under profile filters.';

-- The directory's sorts read learner_directory now.
-- Index statements each in an EXECUTE: on a distributed Citus cluster they reach the shards as
-- the text of the whole section, refused when it holds several statements (see 20261125000300).
do $$ begin execute 'drop index analytics.learner_latest_readiness_asc_idx'; end $$;
do $$ begin execute 'drop index analytics.learner_latest_readiness_desc_idx'; end $$;
do $$ begin execute 'drop index analytics.learner_latest_delta_asc_idx'; end $$;
do $$ begin execute 'drop index analytics.learner_latest_delta_desc_idx'; end $$;

-- Filled from the sources, as refreshDirectory writes a learner's row.
insert into analytics.learner_directory
  (user_id, level, track, cohort, label, sessions, last_active, readiness, band, delta, row_json)
select x.*,
       '{"user_id":' || coalesce(to_json(x.user_id)::text, 'null')
       || ',"label":' || coalesce(to_json(x.label)::text, 'null')
       || ',"level":' || coalesce(to_json(x.level)::text, 'null')
       || ',"track":' || coalesce(to_json(x.track)::text, 'null')
       || ',"cohort":' || coalesce(to_json(x.cohort)::text, 'null')
       || ',"sessions":' || coalesce(to_json(x.sessions)::text, 'null')
       || ',"last_active":' || coalesce(to_json(to_char(x.last_active at time zone 'UTC',
                                                        'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text,
                                        'null')
       || ',"readiness":' || coalesce(to_json(x.readiness)::text, 'null')
       || ',"band":' || coalesce(to_json(x.band)::text, 'null')
       || ',"delta":' || coalesce(to_json(x.delta)::text, 'null') || '}'
from (
  select l.user_id, l.level, l.track, l.cohort,
         coalesce(l.display_name, (
           case when concat_ws(' ', l.level, l.track) = '' then 'Learner'
                else upper(left(concat_ws(' ', l.level, l.track), 1))
                     || substr(concat_ws(' ', l.level, l.track), 2) || ' learner' end
           || ' ' || left(l.user_id::text, 4))) as label,
         coalesce(s.sessions, 0)::int as sessions, s.last_active, r.readiness, r.band, r.delta
  from analytics.learners l
  left join (
    select x.user_id, count(*) as sessions,
           max(coalesce(x.completed_at, x.started_at)) as last_active
    from analytics.sessions x group by x.user_id
  ) s on s.user_id = l.user_id
  left join analytics.learner_latest r on r.user_id = l.user_id
) x;
insert into analytics.learner_profile_counts (level, track, cohort, learners)
select level, track, cohort, count(*) from analytics.learner_directory group by 1, 2, 3;

-- migrate:down
-- Index statements each in an EXECUTE: on a distributed Citus cluster they reach the shards as
-- the text of the whole section, refused when it holds several statements (see 20261125000300).
do $$ begin execute 'create index learner_latest_readiness_asc_idx
    on analytics.learner_latest (readiness, user_id) where readiness is not null'; end $$;
do $$ begin execute 'create index learner_latest_readiness_desc_idx
    on analytics.learner_latest (readiness desc nulls last, user_id) where readiness is not null'; end $$;
do $$ begin execute 'create index learner_latest_delta_asc_idx
    on analytics.learner_latest (delta, user_id) where delta is not null'; end $$;
do $$ begin execute 'create index learner_latest_delta_desc_idx
    on analytics.learner_latest (delta desc nulls last, user_id) where delta is not null'; end $$;
drop table analytics.learner_profile_counts;
drop table analytics.learner_directory;
