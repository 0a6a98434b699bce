-- migrate:up
-- The most frequent read, GET /api/users/:id/readiness without limit, kept per learner as the JSON
-- text the API answers: rewritten in the same transaction as the learner's snapshots, so the read
-- is one primary-key lookup. Derived data: a missing row is built from the snapshots at read time,
-- and a row made by another builder (another version of the app) is not used.
create table analytics.readiness_reads (
  user_id       uuid primary key references analytics.learners (user_id) on delete cascade,
  history_limit int not null check (history_limit > 0),
  builder       text not null,
  body          text not null
);
comment on table analytics.readiness_reads is 'Per learner, the body of GET /api/users/:id/readiness with the default history, as JSON text; rewritten whenever the learner''s snapshots change (lib/readiness/readiness_reads.ts).';
comment on column analytics.readiness_reads.builder is 'Hash of the statement that built body: a body from another builder is ignored and rebuilt.';

-- migrate:down
drop table analytics.readiness_reads;
