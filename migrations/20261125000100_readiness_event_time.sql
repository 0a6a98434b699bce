-- migrate:up
-- Readiness snapshots are dated by their evidence and written once per as-of moment.

-- Snapshots that carry no information are set aside (not lost): a learner's second and later
-- snapshot at the same moment (concurrent completions), and a snapshot whose figures, band,
-- evidence and formula equal the learner's previous one (a recompute that found nothing new).
-- The down migration puts them back.
create table analytics.user_readiness_superseded (like analytics.user_readiness including defaults);
comment on table analytics.user_readiness_superseded is 'Snapshots removed when snapshots became one per learner and moment and written only on change; restored by the down migration.';

with ordered as (
  select r.id,
         row_number() over (partition by r.user_id, r.ts order by r.id) as same_moment,
         lag((r.readiness_overall, r.readiness_technical, r.readiness_communication,
              r.readiness_structure, r.readiness_behavioral, r.band,
              r.meta -> 'formula_version', r.meta -> 'evidence')::text)
           over (partition by r.user_id order by r.ts, r.id) as previous,
         (r.readiness_overall, r.readiness_technical, r.readiness_communication,
          r.readiness_structure, r.readiness_behavioral, r.band,
          r.meta -> 'formula_version', r.meta -> 'evidence')::text as current
  from analytics.user_readiness r
), moved as (
  delete from analytics.user_readiness r
  using ordered o
  where o.id = r.id and (o.same_moment > 1 or o.previous = o.current)
  returning r.*
)
insert into analytics.user_readiness_superseded select * from moved;

drop index analytics.user_readiness_user_ts_idx;
alter table analytics.user_readiness
  add constraint user_readiness_user_ts_key unique (user_id, ts);
comment on column analytics.user_readiness.ts is 'The moment the snapshot is as of: the completion (else last answer) of the evidence it reflects, never the time it was computed.';

-- Exact sums, so averages and everything derived from them are computed on exact decimals.
alter table analytics.user_skill_agg add column score_total numeric;
comment on column analytics.user_skill_agg.score_total is 'Exact sum of the averaged scores (avg_score = round(score_total / sample_size, 2)).';

-- Learners whose evidence changed since their readiness was last computed.
create table analytics.readiness_pending (
  user_id   uuid primary key references analytics.learners (user_id) on delete cascade,
  version   bigint not null default 1,
  marked_at timestamptz not null default now()
);
comment on table analytics.readiness_pending is 'Learners with evidence newer than their readiness (marked by every write of scored answers); incremental recompute works through it.';
comment on column analytics.readiness_pending.version is 'Bumped by each new mark: a recompute clears only the mark it has seen.';
insert into analytics.readiness_pending (user_id)
select distinct e.user_id from analytics.session_events e
where not exists (select 1 from analytics.user_readiness r where r.user_id = e.user_id);

-- Recompute runs: the incremental run looks for day windows that lost an answer since the last one.
create table analytics.readiness_runs (
  id          bigserial primary key,
  kind        text not null,
  started_at  timestamptz not null,
  formula_version text not null,
  finished_at timestamptz not null default now(),
  learners    integer not null,
  written     integer not null,
  unchanged   integer not null
);
comment on table analytics.readiness_runs is 'Finished readiness recompute runs (incremental, full, rebuild), newest last.';

-- Day windows expire by answer time: find the learners whose windows lost an answer.
create index session_events_ts_idx on analytics.session_events (ts);

-- Time-to-readiness reads each learner's threshold crossings instead of every snapshot.
create table analytics.readiness_progress (
  user_id  uuid primary key references analytics.learners (user_id) on delete cascade,
  first_ts timestamptz not null,
  last_ts  timestamptz not null
);
comment on table analytics.readiness_progress is 'Per learner, the first and latest snapshot with sufficient evidence (time-to-readiness censors at last_ts). Rewritten whenever the learner''s snapshots are written.';

create table analytics.readiness_crossings (
  user_id    uuid not null references analytics.learners (user_id) on delete cascade,
  threshold  smallint not null check (threshold between 0 and 100),
  reached_at timestamptz not null,
  constraint readiness_crossings_pkey primary key (user_id, threshold)
);
create index readiness_crossings_threshold_idx
  on analytics.readiness_crossings (threshold, user_id) include (reached_at);
comment on table analytics.readiness_crossings is 'When each learner''s overall readiness (snapshots with sufficient evidence) first reached each whole point 0..100. Rewritten whenever the learner''s snapshots are written.';

with s as (
  select r.user_id, r.ts, r.id, r.readiness_overall as overall
  from analytics.user_readiness r
  where r.readiness_overall is not null
    and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true)
), best as (
  select s.*, floor(max(s.overall) over (
           partition by s.user_id order by s.ts, s.id rows unbounded preceding))::int as best
  from s
), steps as (
  select b.*, coalesce(lag(b.best) over (partition by b.user_id order by b.ts, b.id), -1) as before
  from best b
), progress as (
  insert into analytics.readiness_progress (user_id, first_ts, last_ts)
  select user_id, min(ts), max(ts) from s group by user_id
)
insert into analytics.readiness_crossings (user_id, threshold, reached_at)
select st.user_id, t, st.ts from steps st
cross join lateral generate_series(st.before + 1, st.best) t
where st.best > st.before;

-- migrate:down
drop table analytics.readiness_crossings;
drop table analytics.readiness_progress;
drop index analytics.session_events_ts_idx;
drop table analytics.readiness_runs;
drop table analytics.readiness_pending;
alter table analytics.user_skill_agg drop column score_total;
alter table analytics.user_readiness drop constraint user_readiness_user_ts_key;
create index user_readiness_user_ts_idx on analytics.user_readiness (user_id, ts desc);
insert into analytics.user_readiness select * from analytics.user_readiness_superseded;
drop table analytics.user_readiness_superseded;
