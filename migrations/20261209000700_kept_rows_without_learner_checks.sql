-- migrate:up
-- What a recompute batch writes after its snapshots, made cheaper (as 20261208000100 did for the
-- aggregates). The kept rows of a learner (progress steps, latest snapshot, readiness body) are
-- rebuilt from the learner's snapshots, or from the learner row itself, in the transaction that
-- wrote those snapshots, under the learner's lock (lockLearners): a kept row exists only for a
-- learner whose snapshots (each tied to the learner by user_readiness's own foreign key) or row
-- the same statement read. An erase takes the same lock and deletes every per-learner table by
-- user_id (lib/privacy). The foreign keys to learners guarded nothing more, yet checked and
-- locked the learner row once per kept row written: three probes and row locks per learner of a
-- first recompute, a fifth of its batch time.
alter table analytics.readiness_progress drop constraint readiness_progress_user_id_fkey;
alter table analytics.learner_latest drop constraint learner_latest_user_id_fkey;
alter table analytics.readiness_reads drop constraint readiness_reads_user_id_fkey;

-- migrate:down
alter table analytics.readiness_reads add constraint readiness_reads_user_id_fkey
  foreign key (user_id) references analytics.learners (user_id) on delete cascade;
alter table analytics.learner_latest add constraint learner_latest_user_id_fkey
  foreign key (user_id) references analytics.learners (user_id) on delete cascade;
alter table analytics.readiness_progress add constraint readiness_progress_user_id_fkey
  foreign key (user_id) references analytics.learners (user_id) on delete cascade;
