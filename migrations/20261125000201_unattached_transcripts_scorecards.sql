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

-- Rows an earlier down step of this migration set aside (the older schema could not hold them)
-- come back first, as they were.
do $$
begin
  if to_regclass('analytics.unattached_transcripts_set_aside') is not null then
    insert into analytics.unattached_transcripts
      (id, api_id, session_id, transcript_lines, transcript_json, created_at, updated_at)
    select id, api_id, session_id, transcript_lines, transcript_json, created_at, updated_at
    from analytics.unattached_transcripts_set_aside;
    drop table analytics.unattached_transcripts_set_aside;
  end if;
  if to_regclass('analytics.unattached_scorecards_set_aside') is not null then
    insert into analytics.unattached_scorecards
      (id, session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json, created_at)
    select id, session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json, created_at
    from analytics.unattached_scorecards_set_aside;
    drop table analytics.unattached_scorecards_set_aside;
  end if;
end $$;

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
-- Nothing is lost and nothing fails. Unattached transcripts go back into session_transcripts with
-- no learner (the older shape), same id and api_id. What the older schema cannot hold is set
-- aside, as it was, in tables this step leaves in place: every unattached scorecard (older
-- scorecards need a learner) and any unattached transcript of a session that also has a learner's
-- transcript (older transcripts are one per session). The set-aside tables exist only when they
-- hold rows; the up step moves the rows back and drops them, and the down step of
-- 20261123000003 drops them with the tables they belong to.
do $$
begin
  if exists (select 1 from analytics.unattached_scorecards) then
    create table analytics.unattached_scorecards_set_aside
      (like analytics.unattached_scorecards including constraints including indexes);
    comment on table analytics.unattached_scorecards_set_aside is 'Unattached scorecards kept by the down step of migration 20261125000201 (this schema has no place for a scorecard without a learner); its up step moves them back to unattached_scorecards.';
    insert into analytics.unattached_scorecards_set_aside
      (id, session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json, created_at)
    select id, session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json, created_at
    from analytics.unattached_scorecards;
  end if;
  if exists (select 1 from analytics.unattached_transcripts u
             where exists (select 1 from analytics.session_transcripts t
                           where t.session_id = u.session_id)) then
    create table analytics.unattached_transcripts_set_aside
      (like analytics.unattached_transcripts including constraints including indexes);
    comment on table analytics.unattached_transcripts_set_aside is 'Unattached transcripts kept by the down step of migration 20261125000201 because their session also has a learner''s transcript (this schema holds one per session); its up step moves them back to unattached_transcripts.';
    insert into analytics.unattached_transcripts_set_aside
      (id, api_id, session_id, transcript_lines, transcript_json, created_at, updated_at)
    select u.id, u.api_id, u.session_id, u.transcript_lines, u.transcript_json, u.created_at,
           u.updated_at
    from analytics.unattached_transcripts u
    where exists (select 1 from analytics.session_transcripts t where t.session_id = u.session_id);
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
from analytics.unattached_transcripts u
where not exists (select 1 from analytics.session_transcripts t where t.session_id = u.session_id);

drop table analytics.unattached_scorecards;
drop table analytics.unattached_transcripts;
