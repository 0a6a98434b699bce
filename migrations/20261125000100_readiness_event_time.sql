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

-- Time-to-readiness reads one row per learner instead of every snapshot.
create table analytics.readiness_progress (
  user_id    uuid primary key references analytics.learners (user_id) on delete cascade,
  first_ts   timestamptz not null,
  last_ts    timestamptz not null,
  reached_at timestamptz[] not null
);
comment on table analytics.readiness_progress is 'Per learner, from the snapshots with sufficient evidence: the first and latest snapshot, and reached_at[t + 1] = when overall first reached t (t = 0..100; null: not yet). Rewritten whenever the learner''s snapshots are written.';

insert into analytics.readiness_progress (user_id, first_ts, last_ts, reached_at)
select s.user_id, min(s.ts), max(s.ts),
       array(select min(x.ts) filter (where x.readiness_overall >= t)
             from generate_series(0, 100) t
             cross join analytics.user_readiness x
             where x.user_id = s.user_id and x.readiness_overall is not null
               and coalesce((x.meta ->> 'sufficient_evidence')::boolean, true)
             group by t order by t)
from analytics.user_readiness s
where s.readiness_overall is not null
  and coalesce((s.meta ->> 'sufficient_evidence')::boolean, true)
group by s.user_id;

-- migrate:down
drop table analytics.readiness_progress;
drop index analytics.session_events_ts_idx;
drop table analytics.readiness_runs;
drop table analytics.readiness_pending;
alter table analytics.user_skill_agg drop column score_total;
alter table analytics.user_readiness drop constraint user_readiness_user_ts_key;
create index user_readiness_user_ts_idx on analytics.user_readiness (user_id, ts desc);
insert into analytics.user_readiness select * from analytics.user_readiness_superseded;
drop table analytics.user_readiness_superseded;
