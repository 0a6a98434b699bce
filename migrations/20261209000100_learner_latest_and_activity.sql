-- migrate:up
-- Each learner's latest snapshot, and their snapshots in time order as arrays, kept for the
-- learner directory and the cohort figures: sorting 100,000 learners by readiness (or by its
-- change) reads this table's index in order and stops at the page's end; the bands of a cohort at
-- an instant are one binary search per learner (width_bucket over snap_ts) instead of a scan of
-- every snapshot. Derived data: rewritten in the transaction that writes the learner's snapshots
-- (lib/readiness/write/latest.ts), under the learner's lock; a learner without snapshots has no
-- row.
create table analytics.learner_latest (
  user_id     uuid not null primary key
                references analytics.learners (user_id) on delete cascade,
  ts          timestamptz not null,
  snapshot_id bigint not null,
  readiness   numeric(5, 2),
  previous    numeric(5, 2),
  delta       numeric(6, 2) generated always as (readiness - previous) stored,
  band        text not null,
  sufficient  boolean not null,
  scored_at   timestamptz,
  scored      numeric(5, 2)[] not null default '{}',
  snap_ts     timestamptz[] not null,
  snap_band   text[] not null,
  snap_overall numeric(5, 2)[] not null,
  snap_sufficient boolean[] not null
);
comment on table analytics.learner_latest is 'Per learner, the latest readiness snapshot (ts desc, id desc) and the overall of the one before it; rewritten with the learner''s snapshots. The directory''s sort by readiness or change reads it in index order.';
comment on column analytics.learner_latest.previous is 'Overall readiness of the snapshot before the latest; null when there is none or it has no overall.';
comment on column analytics.learner_latest.delta is 'readiness − previous (exact); null when either is null.';
comment on column analytics.learner_latest.sufficient is 'The latest snapshot''s meta.sufficient_evidence (true when absent).';
comment on column analytics.learner_latest.scored_at is 'Time of the latest snapshot with an overall; null when none has one.';
comment on column analytics.learner_latest.scored is 'Overall readiness of the latest snapshots with an overall, newest first, at most 101 (the needs-attention rule "declining" compares the first with the highest of the next few).';
comment on column analytics.learner_latest.snap_ts is 'Every snapshot''s time, ascending (unique per learner): the latest snapshot before t is number width_bucket(t − 1 µs, snap_ts), none when 0.';
comment on column analytics.learner_latest.snap_band is 'Band label of each snapshot, in the order of snap_ts.';
comment on column analytics.learner_latest.snap_overall is 'Overall readiness of each snapshot (null when none), in the order of snap_ts.';
comment on column analytics.learner_latest.snap_sufficient is 'Each snapshot has an overall and sufficient evidence, in the order of snap_ts.';
-- Both orders, ties by user id ascending in each (a backward scan would reverse the ties).
create index learner_latest_readiness_asc_idx
  on analytics.learner_latest (readiness, user_id) where readiness is not null;
create index learner_latest_readiness_desc_idx
  on analytics.learner_latest (readiness desc nulls last, user_id) where readiness is not null;
create index learner_latest_delta_asc_idx
  on analytics.learner_latest (delta, user_id) where delta is not null;
create index learner_latest_delta_desc_idx
  on analytics.learner_latest (delta desc nulls last, user_id) where delta is not null;

-- The directory's total counts the learners of a profile filter from an index alone, and a page's
-- session figures (count, last activity) read the sessions index alone.
-- Index statements each in an EXECUTE: on a distributed Citus cluster they reach the shards as
-- the text of the whole section, refused when it holds several statements (see 20261125000300).
do $$ begin execute 'create index learners_profile_idx on analytics.learners (level, track, cohort)'; end $$;
do $$ begin execute 'drop index analytics.sessions_user_completed_idx'; end $$;
do $$ begin execute 'create index sessions_user_completed_idx
    on analytics.sessions (user_id, completed_at) include (started_at)'; end $$;

-- Filled from the snapshots (the source), by the statement refreshLatest runs for its learners.
insert into analytics.learner_latest
  (user_id, ts, snapshot_id, readiness, previous, band, sufficient, scored_at, scored, snap_ts,
   snap_band, snap_overall, snap_sufficient)
select t.user_id, max(t.ts) filter (where t.rn = 1), max(t.id) filter (where t.rn = 1),
       max(t.readiness_overall) filter (where t.rn = 1),
       max(t.readiness_overall) filter (where t.rn = 2),
       max(t.band) filter (where t.rn = 1),
       bool_or(coalesce((t.meta ->> 'sufficient_evidence')::boolean, true)) filter (where t.rn = 1),
       max(t.ts) filter (where t.readiness_overall is not null),
       coalesce(array_agg(t.readiness_overall order by t.ts desc, t.id desc)
                  filter (where t.readiness_overall is not null and t.sn <= 101), '{}'),
       array_agg(t.ts order by t.ts, t.id), array_agg(t.band order by t.ts, t.id),
       array_agg(t.readiness_overall order by t.ts, t.id),
       array_agg(t.readiness_overall is not null
                 and coalesce((t.meta ->> 'sufficient_evidence')::boolean, true)
                 order by t.ts, t.id)
from (
  select r.user_id, r.ts, r.id, r.readiness_overall, r.band, r.meta,
         row_number() over (partition by r.user_id order by r.ts desc, r.id desc) as rn,
         row_number() over (partition by r.user_id, r.readiness_overall is null
                            order by r.ts desc, r.id desc) as sn
  from analytics.user_readiness r
) t
group by t.user_id;

-- Each learner's answers as the cohort figures read them: every answer's and every session's
-- time (sorted arrays: the answers or sessions of a period are two binary searches), the last
-- answer, and the skills persistently low under a rule (the readiness config's low_skill threshold
-- and sessions, and the configured skills), kept as of the learner's latest answer. Rewritten in
-- the transaction that writes the learner's answers (lib/sessions/activity.ts), under the
-- learner's lock; a learner without answers has no row. A row kept under another rule is not used
-- for the low skills (and is judged again at the app's next start).
create table analytics.learner_activity (
  user_id        uuid not null primary key
                   references analytics.learners (user_id) on delete cascade,
  last_answer_at timestamptz not null,
  answer_ts      timestamptz[] not null,
  session_ts     timestamptz[] not null,
  low_rule       text not null,
  low_skills     text[] not null
);
comment on column analytics.learner_activity.answer_ts is 'Each answer''s time (its first row over skills), ascending: the answers in [a, b) are width_bucket(b − 1 µs, answer_ts) − width_bucket(a − 1 µs, answer_ts).';
comment on column analytics.learner_activity.session_ts is 'Each session''s time (its first answer), ascending.';
comment on table analytics.learner_activity is 'Per learner with answers: the last answer''s time and the skills persistently low (every one of the last N sessions on the skill averages below the threshold) under low_rule, as of the last answer. Rewritten with the learner''s answers.';
comment on column analytics.learner_activity.low_rule is 'The rule low_skills was judged by: threshold, sessions and the configured skill tags; empty when not judged yet.';
insert into analytics.learner_activity
  (user_id, last_answer_at, answer_ts, session_ts, low_rule, low_skills)
select a.user_id, max(a.ts), array_agg(a.ts order by a.ts),
       (select array_agg(s.ts order by s.ts) from (
          select min(e.ts) as ts from analytics.session_events e
          where e.user_id = a.user_id group by e.session_id) s),
       '', '{}'
from (
  select e.user_id, e.session_id, e.answer_id, min(e.ts) as ts
  from analytics.session_events e group by e.user_id, e.session_id, e.answer_id
) a
group by a.user_id;

-- Each learner's sessions on each skill, kept for the cohort's skill figures: per learner and
-- skill, the sessions in order of their first answer on the skill (ties by session id) with their
-- scores' sum (in hundredths: scores have two decimals) and count, and for each position the best
-- session from there on (highest average). A period's first, latest and best session on the skill
-- are then two binary searches and a lookup. Rewritten with the learner's answers
-- (lib/sessions/activity.ts).
create table analytics.learner_skill_sessions (
  user_id    uuid not null references analytics.learners (user_id) on delete cascade,
  skill_tag  text not null,
  ts         timestamptz[] not null,
  sum_h      int8[] not null,
  n          int4[] not null,
  best_sum_h int8[] not null,
  best_n     int4[] not null,
  last_max   timestamptz[] not null,
  primary key (user_id, skill_tag)
);
comment on table analytics.learner_skill_sessions is 'Per learner and skill, every session on the skill in order (ts: its first answer on the skill), with its scores'' sum in hundredths and count; best_sum_h[i] / best_n[i] is the highest session average from position i on; last_max[i] the latest answer of sessions 1 … i (a session before instant t with an answer at or after it spans t: its figures for a period bounded by t come from its answers). Rewritten with the learner''s answers.';
insert into analytics.learner_skill_sessions
  (user_id, skill_tag, ts, sum_h, n, best_sum_h, best_n, last_max)
select user_id, skill_tag, array_agg(ts order by ts, session_id),
       array_agg(sum_h order by ts, session_id), array_agg(n order by ts, session_id),
       array_agg(best[2]::int8 order by ts, session_id),
       array_agg(best[3]::int4 order by ts, session_id),
       array_agg(last_max order by ts, session_id)
from (
  select x.*, max(array[x.sum_h::numeric / x.n, x.sum_h, x.n]) over (
           partition by x.user_id, x.skill_tag order by x.ts, x.session_id
           rows between current row and unbounded following) as best,
         max(x.last_ts) over (
           partition by x.user_id, x.skill_tag order by x.ts, x.session_id
           rows between unbounded preceding and current row) as last_max
  from (
    select e.user_id, e.skill_tag, e.session_id, min(e.ts) as ts, max(e.ts) as last_ts,
           (sum(e.score) * 100)::int8 as sum_h, count(*)::int4 as n
    from analytics.session_events e
    group by e.user_id, e.skill_tag, e.session_id
  ) x
) y
group by user_id, skill_tag;

-- migrate:down
-- Index statements each in an EXECUTE: on a distributed Citus cluster they reach the shards as
-- the text of the whole section, refused when it holds several statements (see 20261125000300).
do $$ begin execute 'drop index analytics.sessions_user_completed_idx'; end $$;
do $$ begin execute 'create index sessions_user_completed_idx on analytics.sessions (user_id, completed_at)'; end $$;
do $$ begin execute 'drop index analytics.learners_profile_idx'; end $$;
drop table analytics.learner_skill_sessions;
drop table analytics.learner_activity;
drop table analytics.learner_latest;
