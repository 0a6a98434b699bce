-- migrate:up
-- What a recompute batch writes and reads, made cheaper.
-- The aggregates are derived from the learner's answers (which reference their sessions, which
-- reference the learner), always under the learner's lock, and an erase deletes them by user_id
-- like every per-learner table: the foreign key to learners guarded nothing the answers do not,
-- yet checked every row a recompute writes (one index probe and row lock per learner × skill ×
-- window, most of the cost of a first recompute's aggregate write).
alter table analytics.user_skill_agg drop constraint user_skill_agg_user_id_fkey;
-- A learner's latest completion (the moment readiness is computed as of) from the index alone,
-- instead of a visit to every session row of the batch's learners.
-- Index statements each in an EXECUTE: on a distributed Citus cluster they reach the shards as
-- the text of the whole section, refused when it holds several statements (see 20261125000300).
do $$ begin execute 'create index sessions_user_completed_idx on analytics.sessions (user_id, completed_at)'; end $$;

-- migrate:down
-- Each statement in an EXECUTE: on a distributed Citus cluster index and constraint statements
-- reach the shards as the text of the whole section, refused when it holds several statements
-- (dbmate sends it at once; see 20261125000300_readiness_reached_at.sql).
do $$
begin
  execute 'drop index analytics.sessions_user_completed_idx';
  execute 'alter table analytics.user_skill_agg add constraint user_skill_agg_user_id_fkey
    foreign key (user_id) references analytics.learners (user_id) on delete cascade';
end
$$;
