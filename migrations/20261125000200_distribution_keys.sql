-- migrate:up
-- Distribution by learner (Citus): every primary key, unique constraint and foreign key of a
-- per-learner table includes user_id, so that each table can be hash-distributed on user_id and
-- co-located with the others. A session id stays unique across all learners through
-- analytics.session_owners (keyed by session_id alone, distributed by session_id on its own).

create table analytics.session_owners (
  session_id uuid primary key,
  user_id    uuid not null,
  created_at timestamptz not null default now()
);
create index session_owners_user_idx on analytics.session_owners (user_id);
comment on table analytics.session_owners is 'Which learner a session belongs to: one row per session id known anywhere (events, completion, backfill, import). Keeps a session id to one learner across the whole database, which the per-learner tables (keyed by user_id first) cannot. Not co-located with them: on Citus it is distributed by session_id.';

insert into analytics.session_owners (session_id, user_id)
select session_id, user_id from analytics.sessions
on conflict (session_id) do nothing;
insert into analytics.session_owners (session_id, user_id)
select session_id, user_id from analytics.session_transcripts where user_id is not null
on conflict (session_id) do nothing;
insert into analytics.session_owners (session_id, user_id)
select session_id, user_id from analytics.scorecards
on conflict (session_id) do nothing;

-- sessions: (user_id, session_id) becomes the primary key (it was a second unique key).
alter table analytics.session_events drop constraint session_events_session_fkey;
alter table analytics.sessions drop constraint sessions_user_session_key;
alter table analytics.sessions drop constraint sessions_pkey;
alter table analytics.sessions add constraint sessions_pkey primary key (user_id, session_id);

-- session_events: the retry key and the primary key lead with user_id.
alter table analytics.session_events drop constraint session_events_session_answer_skill_key;
alter table analytics.session_events add constraint session_events_session_answer_skill_key
  unique (user_id, session_id, answer_id, skill_tag);
alter table analytics.session_events drop constraint session_events_pkey;
alter table analytics.session_events add constraint session_events_pkey primary key (user_id, id);
alter table analytics.session_events add constraint session_events_session_fkey
  foreign key (user_id, session_id) references analytics.sessions (user_id, session_id) on delete cascade;
comment on table analytics.session_events is 'One row per scored answer and skill, as scored by the orchestrator. Retries are harmless: unique (user_id, session_id, answer_id, skill_tag).';

-- user_readiness: snapshots keyed by learner.
alter table analytics.user_readiness drop constraint user_readiness_pkey;
alter table analytics.user_readiness add constraint user_readiness_pkey primary key (user_id, id);

-- scorecards: one per learner's session.
alter table analytics.scorecards drop constraint scorecards_session_key;
alter table analytics.scorecards add constraint scorecards_session_key unique (user_id, session_id);
alter table analytics.scorecards drop constraint scorecards_pkey;
alter table analytics.scorecards add constraint scorecards_pkey primary key (user_id, id);

-- migrate:down
alter table analytics.scorecards drop constraint scorecards_pkey;
alter table analytics.scorecards add constraint scorecards_pkey primary key (id);
alter table analytics.scorecards drop constraint scorecards_session_key;
alter table analytics.scorecards add constraint scorecards_session_key unique (session_id);

alter table analytics.user_readiness drop constraint user_readiness_pkey;
alter table analytics.user_readiness add constraint user_readiness_pkey primary key (id);

alter table analytics.session_events drop constraint session_events_session_fkey;
alter table analytics.session_events drop constraint session_events_pkey;
alter table analytics.session_events add constraint session_events_pkey primary key (id);
alter table analytics.session_events drop constraint session_events_session_answer_skill_key;
alter table analytics.session_events add constraint session_events_session_answer_skill_key
  unique (session_id, answer_id, skill_tag);
comment on table analytics.session_events is 'One row per scored answer and skill, as scored by the orchestrator. Retries are harmless: unique (session_id, answer_id, skill_tag).';

alter table analytics.sessions drop constraint sessions_pkey;
alter table analytics.sessions add constraint sessions_pkey primary key (session_id);
alter table analytics.sessions add constraint sessions_user_session_key unique (user_id, session_id);
alter table analytics.session_events add constraint session_events_session_fkey
  foreign key (user_id, session_id) references analytics.sessions (user_id, session_id) on delete cascade;

drop table analytics.session_owners;
