-- migrate:up
create schema if not exists analytics;
comment on schema analytics is 'PULSE longitudinal analytics store: scored answers, aggregates, readiness snapshots, transcripts.';

create table analytics.learners (
  user_id    uuid primary key,
  level      text check (level ~ '^[a-z][a-z0-9_]{0,39}$'),
  track      text check (char_length(track) between 1 and 100),
  cohort     text check (char_length(cohort) between 1 and 100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table analytics.learners is 'One row per learner; profile used for cohort questions (e.g. time to readiness for senior candidates).';
comment on column analytics.learners.level is 'Seniority the learner is preparing for (config/levels.json), e.g. junior, mid, senior, staff; null until the profile is set.';

create table analytics.sessions (
  session_id   uuid primary key,
  user_id      uuid not null references analytics.learners (user_id),
  scenario_id  text not null check (char_length(scenario_id) between 1 and 200),
  started_at   timestamptz,
  completed_at timestamptz,
  created_at   timestamptz not null default now(),
  -- Lets session_events reference (user_id, session_id): an event can never name another learner's session.
  constraint sessions_user_session_key unique (user_id, session_id)
);
comment on table analytics.sessions is 'One practice session of a learner; created by the first scored answer, completed by the completion writer.';
comment on column analytics.sessions.started_at is 'Earliest answer time seen for the session.';

create table analytics.session_events (
  id          bigserial primary key,
  user_id     uuid not null,
  session_id  uuid not null,
  answer_id   text not null check (char_length(answer_id) between 1 and 200),
  ts          timestamptz not null,
  scenario_id text not null,
  pulse_step  text not null,
  skill_tag   text not null,
  score       numeric(5, 2) not null check (score between 0 and 100),
  raw_metrics jsonb,
  notes       text,
  created_at  timestamptz not null default now(),
  constraint session_events_session_answer_skill_key unique (session_id, answer_id, skill_tag),
  constraint session_events_session_fkey foreign key (user_id, session_id)
    references analytics.sessions (user_id, session_id) on delete cascade
);
create index session_events_user_skill_ts_idx on analytics.session_events (user_id, skill_tag, ts desc);
comment on table analytics.session_events is 'One row per scored answer and skill, as scored by the orchestrator. Retries are harmless: unique (session_id, answer_id, skill_tag).';
comment on column analytics.session_events.answer_id is 'The orchestrator''s id of the answer within the session.';
comment on column analytics.session_events.pulse_step is 'Step of the PULSE session flow the answer belongs to (config/pulse_steps.json).';
comment on column analytics.session_events.skill_tag is 'Skill the score is for (config/skills.json).';
comment on column analytics.session_events.raw_metrics is 'Measurements behind the score as sent by the orchestrator (filler words, talk time, ...).';

-- migrate:down
drop table analytics.session_events;
drop table analytics.sessions;
drop table analytics.learners;
drop schema analytics;
