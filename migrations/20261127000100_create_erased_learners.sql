-- migrate:up
-- Tombstones of erased learners: what stops an erased learner's data from coming back (ingest,
-- completion, profile writes, the legacy backfill and import refuse or skip it). No personal data:
-- the learner and their sessions are kept only as keyed hashes (HMAC-SHA256 with a server key, see
-- lib/privacy/tombstones.ts), so the table cannot be read back into user ids, nor tested against a
-- guessed id without the key. Not per-learner data (no user_id): under Citus it is a reference
-- table, so every writer checks it on the node it runs on.
create table analytics.erased_learners (
  learner_hmac   text primary key check (learner_hmac ~ '^[0-9a-f]{64}$'),
  session_hmacs  text[] not null default '{}',
  erased_at      timestamptz not null default now(),
  erased_by_role text not null check (length(erased_by_role) between 1 and 20),
  erased_by_sub  text not null check (length(erased_by_sub) between 1 and 200)
);
create index erased_learners_sessions_idx on analytics.erased_learners using gin (session_hmacs);
comment on table analytics.erased_learners is 'Erased learners (keyed hashes only): their data is refused or skipped until an admin lifts the tombstone.';
comment on column analytics.erased_learners.learner_hmac is 'HMAC-SHA256 of the learner''s user id (hex) under the erasure key.';
comment on column analytics.erased_learners.session_hmacs is 'HMAC-SHA256 of each session id the learner had when erased: legacy files of those sessions are skipped even when they do not name the learner.';
comment on column analytics.erased_learners.erased_by_role is 'Role of the staff member who erased (admin).';
comment on column analytics.erased_learners.erased_by_sub is 'Token subject of the staff member who erased: staff data, not the learner''s.';

-- migrate:down
drop table analytics.erased_learners;
