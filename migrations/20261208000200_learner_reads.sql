-- migrate:up
-- GET /api/users/:id/skills/trends (default window) and GET /api/users/:id/coaching (per
-- audience), kept per learner as the JSON text the API answers. Derived data: every write of the
-- learner's answers, aggregates, snapshots or profile deletes the learner's rows in its
-- transaction (under the learner's lock), and the next read builds and keeps them again under that
-- lock. A row made by another builder (another version of the app or its configuration) is not
-- used.
create table analytics.learner_reads (
  user_id    uuid not null references analytics.learners (user_id) on delete cascade,
  read       text not null check (read in ('trends', 'coaching_learner', 'coaching_staff')),
  builder    text not null,
  body       text not null,
  tail       text,
  projection text,
  primary key (user_id, read)
);
-- Stored as it is (not compressed): every read sends the text, no read decompresses it.
alter table analytics.learner_reads alter column body set storage external;
alter table analytics.learner_reads alter column tail set storage external;
comment on table analytics.learner_reads is 'Per learner and read, the body of a per-learner API read as JSON text; deleted by every write of what it is built from, built again by the next read (lib/readiness/read/kept_bodies.ts).';
comment on column analytics.learner_reads.builder is 'Hash of the code version and configuration that built body: a body from another builder is ignored and rebuilt.';
comment on column analytics.learner_reads.body is 'The whole body; for coaching the text before the projection''s value, which depends on the time of the read.';
comment on column analytics.learner_reads.tail is 'Coaching: the text after the projection''s value.';
comment on column analytics.learner_reads.projection is 'Coaching: what the projection is computed from at read time (JSON: the reader''s name and the scored snapshots of the lookback before the newest one).';

-- migrate:down
drop table analytics.learner_reads;
