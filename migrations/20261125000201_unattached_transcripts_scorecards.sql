-- migrate:up
-- Transcripts and scorecards whose learner is not known yet (legacy blobs without session.json,
-- legacy scorecards without user_id) wait here, outside the per-learner tables, until the learner
-- becomes known: then the completion writer, the backfill or the import moves them across. On
-- Citus these two tables are reference tables (not distributed by learner).

create table analytics.unattached_transcripts (
  id               uuid primary key default gen_random_uuid(),
  -- Same sequence as session_transcripts.api_id: the id survives the move to the learner.
  api_id           bigint not null default nextval('analytics.session_transcripts_api_id_seq'),
  session_id       uuid not null,
  transcript_lines text[],
  transcript_json  jsonb,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  constraint unattached_transcripts_api_id_key unique (api_id),
  constraint unattached_transcripts_session_key unique (session_id)
);
comment on table analytics.unattached_transcripts is 'Transcripts whose learner is not known yet (legacy blobs without a usable session.json); moved to session_transcripts, with the same id and api_id, once the learner is known.';
comment on column analytics.unattached_transcripts.api_id is 'Stable numeric id exposed to API clients (kept when the row moves to session_transcripts).';

create table analytics.unattached_scorecards (
  id             uuid primary key default gen_random_uuid(),
  session_id     uuid not null,
  ts             timestamptz not null default now(),
  bce_score      numeric(5, 2) check (bce_score between 0 and 100),
  mcf_score      numeric(5, 2) check (mcf_score between 0 and 100),
  cpo_score      numeric(5, 2) check (cpo_score between 0 and 100),
  scorecard_json jsonb not null,
  created_at     timestamptz not null default now(),
  constraint unattached_scorecards_session_key unique (session_id)
);
comment on table analytics.unattached_scorecards is 'Legacy scorecards whose learner is not known yet; moved to scorecards, with the same id, once the learner is known.';

-- Transcripts without a learner: attach those whose session's learner is known, park the rest.
update analytics.session_transcripts t set user_id = o.user_id
from analytics.session_owners o
where t.user_id is null and o.session_id = t.session_id;
insert into analytics.unattached_transcripts
  (id, api_id, session_id, transcript_lines, transcript_json, created_at, updated_at)
select id, api_id, session_id, transcript_lines, transcript_json, created_at, updated_at
from analytics.session_transcripts where user_id is null;
delete from analytics.session_transcripts where user_id is null;

alter table analytics.session_transcripts alter column user_id set not null;
alter table analytics.session_transcripts drop constraint session_transcripts_session_id_key;
alter table analytics.session_transcripts add constraint session_transcripts_session_key
  unique (user_id, session_id);
alter table analytics.session_transcripts drop constraint session_transcripts_api_id_key;
alter table analytics.session_transcripts add constraint session_transcripts_api_id_key
  unique (user_id, api_id);
alter table analytics.session_transcripts drop constraint session_transcripts_pkey;
alter table analytics.session_transcripts add constraint session_transcripts_pkey
  primary key (user_id, id);
-- Covered by session_transcripts_session_key (user_id first).
drop index analytics.session_transcripts_user_idx;
comment on column analytics.session_transcripts.api_id is 'Stable numeric id exposed to API clients; unique across learners (one sequence, shared with unattached_transcripts).';
comment on column analytics.session_transcripts.user_id is 'Learner. Transcripts of an unknown learner wait in unattached_transcripts.';

-- migrate:down
do $$
begin
  if exists (select 1 from analytics.unattached_scorecards) then
    raise exception 'analytics.unattached_scorecards has rows, which the older schema cannot hold (scorecards need a learner); attach or export them first';
  end if;
end $$;

create index session_transcripts_user_idx on analytics.session_transcripts (user_id);
alter table analytics.session_transcripts drop constraint session_transcripts_pkey;
alter table analytics.session_transcripts add constraint session_transcripts_pkey primary key (id);
alter table analytics.session_transcripts drop constraint session_transcripts_api_id_key;
alter table analytics.session_transcripts add constraint session_transcripts_api_id_key unique (api_id);
alter table analytics.session_transcripts drop constraint session_transcripts_session_key;
alter table analytics.session_transcripts add constraint session_transcripts_session_id_key
  unique (session_id);
alter table analytics.session_transcripts alter column user_id drop not null;
comment on column analytics.session_transcripts.api_id is 'Stable numeric id exposed to API clients.';
comment on column analytics.session_transcripts.user_id is 'Learner, when known (legacy blobs may lack it).';

insert into analytics.session_transcripts
  (id, api_id, user_id, session_id, transcript_lines, transcript_json, created_at, updated_at)
select id, api_id, null, session_id, transcript_lines, transcript_json, created_at, updated_at
from analytics.unattached_transcripts;

drop table analytics.unattached_scorecards;
drop table analytics.unattached_transcripts;
