-- migrate:up
-- What a recompute batch writes after its aggregates, made cheaper (as 20261208000100 did for the
-- aggregates). A learner's snapshots are written by one statement that joins the learner row
-- (lib/readiness/write/snapshots.ts, `input`), and the rows kept from them (progress steps, latest
-- snapshot, readiness body) are rebuilt from those snapshots or from the learner row, all in one
-- transaction under the learner's lock (lockLearners): none is written for a learner that the
-- same transaction did not read. An erase takes the same lock and deletes every per-learner table
-- by user_id (lib/privacy). The foreign keys to learners guarded nothing more, yet checked and
-- locked the learner row (a probe, a row lock and its WAL record) once per row written: four per
-- learner of a first recompute, a fifth of its batch time.
alter table analytics.user_readiness drop constraint user_readiness_user_id_fkey;
alter table analytics.readiness_progress drop constraint readiness_progress_user_id_fkey;
alter table analytics.learner_latest drop constraint learner_latest_user_id_fkey;
alter table analytics.readiness_reads drop constraint readiness_reads_user_id_fkey;

-- migrate:down
-- Each ADD CONSTRAINT in an EXECUTE: on a Citus cluster it reaches the shards as the text of
-- the statement, which fails when that text is this whole section (dbmate sends it at once;
-- see 20261125000300_readiness_reached_at.sql).
do $$
begin
  execute 'alter table analytics.readiness_reads add constraint readiness_reads_user_id_fkey
    foreign key (user_id) references analytics.learners (user_id) on delete cascade';
  execute 'alter table analytics.learner_latest add constraint learner_latest_user_id_fkey
    foreign key (user_id) references analytics.learners (user_id) on delete cascade';
  execute 'alter table analytics.readiness_progress add constraint readiness_progress_user_id_fkey
    foreign key (user_id) references analytics.learners (user_id) on delete cascade';
  execute 'alter table analytics.user_readiness add constraint user_readiness_user_id_fkey
    foreign key (user_id) references analytics.learners (user_id) on delete cascade';
end
$$;
