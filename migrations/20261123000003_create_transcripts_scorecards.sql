-- migrate:up
-- No foreign keys to learners/sessions here: legacy transcripts and scorecards are imported for
-- sessions that never reached the event store, some without a known learner.
create table analytics.scorecards (
  id             uuid primary key default gen_random_uuid(),
  user_id        uuid not null,
  session_id     uuid not null,
  ts             timestamptz not null default now(),
  bce_score      numeric(5, 2) check (bce_score between 0 and 100),
  mcf_score      numeric(5, 2) check (mcf_score between 0 and 100),
  cpo_score      numeric(5, 2) check (cpo_score between 0 and 100),
  scorecard_json jsonb not null,
  created_at     timestamptz not null default now(),
  constraint scorecards_session_key unique (session_id)
);
create index scorecards_user_ts_idx on analytics.scorecards (user_id, ts desc);
comment on table analytics.scorecards is 'End-of-session scorecard: headline scores as columns, the whole scorecard as sent in scorecard_json. One per session.';

create table analytics.session_transcripts (
  id               uuid primary key default gen_random_uuid(),
  api_id           bigserial unique,
  user_id          uuid null,
  session_id       uuid not null unique,
  transcript_lines text[],
  transcript_json  jsonb,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index session_transcripts_user_idx on analytics.session_transcripts (user_id);
comment on table analytics.session_transcripts is 'Session transcripts; Postgres is the system of record, blob JSON is legacy and backfilled here.';
comment on column analytics.session_transcripts.api_id is 'Stable numeric id exposed to API clients.';
comment on column analytics.session_transcripts.user_id is 'Learner, when known (legacy blobs may lack it).';
comment on column analytics.session_transcripts.transcript_lines is 'Normalised lines: strings, trimmed, empties dropped.';
comment on column analytics.session_transcripts.transcript_json is 'The whole original transcript document.';

-- migrate:down
-- Rows that the down step of 20261125000201 set aside go with the tables they belong to.
drop table if exists analytics.unattached_transcripts_set_aside;
drop table if exists analytics.unattached_scorecards_set_aside;
drop table analytics.session_transcripts;
drop table analytics.scorecards;
