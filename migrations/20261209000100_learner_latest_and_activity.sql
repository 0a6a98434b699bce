-- migrate:up
-- Each learner's latest snapshot, kept for the learner directory: sorting 100,000 learners by
-- readiness (or by its change) reads this table's index in order and stops at the page's end,
-- instead of finding every learner's latest two snapshots first. Derived data: rewritten in the
-- transaction that writes the learner's snapshots (lib/readiness/write/latest.ts), under the
-- learner's lock; a learner without snapshots has no row.
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
  scored      numeric(5, 2)[] not null default '{}'
);
comment on table analytics.learner_latest is 'Per learner, the latest readiness snapshot (ts desc, id desc) and the overall of the one before it; rewritten with the learner''s snapshots. The directory''s sort by readiness or change reads it in index order.';
comment on column analytics.learner_latest.previous is 'Overall readiness of the snapshot before the latest; null when there is none or it has no overall.';
comment on column analytics.learner_latest.delta is 'readiness − previous (exact); null when either is null.';
comment on column analytics.learner_latest.sufficient is 'The latest snapshot''s meta.sufficient_evidence (true when absent).';
comment on column analytics.learner_latest.scored_at is 'Time of the latest snapshot with an overall; null when none has one.';
comment on column analytics.learner_latest.scored is 'Overall readiness of the latest snapshots with an overall, newest first, at most 101 (the needs-attention rule "declining" compares the first with the highest of the next few).';
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
create index learners_profile_idx on analytics.learners (level, track, cohort);
drop index analytics.sessions_user_completed_idx;
create index sessions_user_completed_idx
  on analytics.sessions (user_id, completed_at) include (started_at);

-- Filled from the snapshots (the source), as refreshLatest does.
insert into analytics.learner_latest
  (user_id, ts, snapshot_id, readiness, previous, band, sufficient, scored_at, scored)
select t.user_id, t.ts, t.id, t.readiness_overall, t.previous, t.band,
       coalesce((t.meta ->> 'sufficient_evidence')::boolean, true), s.scored_at,
       coalesce(s.scored, '{}')
from (
  select r.user_id, r.ts, r.id, r.readiness_overall, r.band, r.meta,
         lead(r.readiness_overall) over w as previous,
         row_number() over w as rn
  from analytics.user_readiness r
  window w as (partition by r.user_id order by r.ts desc, r.id desc)
) t
left join (
  select x.user_id, max(x.ts) as scored_at,
         array_agg(x.readiness_overall order by x.ts desc, x.id desc) as scored
  from (
    select r.user_id, r.ts, r.id, r.readiness_overall,
           row_number() over (partition by r.user_id order by r.ts desc, r.id desc) as rn
    from analytics.user_readiness r
    where r.readiness_overall is not null
  ) x
  where x.rn <= 101
  group by x.user_id
) s on s.user_id = t.user_id
where t.rn = 1;

-- Each learner's answers as the needs-attention list reads them: the last answer, and the skills
-- persistently low under a rule (the readiness config's low_skill threshold and sessions, and the
-- configured skills), kept as of the learner's latest answer. Rewritten in the transaction that
-- writes the learner's answers (lib/sessions/activity.ts), under the learner's lock; a learner
-- without answers has no row. A row kept under another rule is not used (and is rewritten by the
-- next recompute run).
create table analytics.learner_activity (
  user_id        uuid not null primary key
                   references analytics.learners (user_id) on delete cascade,
  last_answer_at timestamptz not null,
  low_rule       text not null,
  low_skills     text[] not null
);
comment on table analytics.learner_activity is 'Per learner with answers: the last answer''s time and the skills persistently low (every one of the last N sessions on the skill averages below the threshold) under low_rule, as of the last answer. Rewritten with the learner''s answers.';
comment on column analytics.learner_activity.low_rule is 'The rule low_skills was judged by: threshold, sessions and the configured skill tags; empty when not judged yet.';
insert into analytics.learner_activity (user_id, last_answer_at, low_rule, low_skills)
select e.user_id, max(e.ts), '', '{}' from analytics.session_events e group by e.user_id;

-- migrate:down
drop index analytics.sessions_user_completed_idx;
create index sessions_user_completed_idx on analytics.sessions (user_id, completed_at);
drop index analytics.learners_profile_idx;
drop table analytics.learner_activity;
drop table analytics.learner_latest;
