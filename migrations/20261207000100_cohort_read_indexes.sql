-- migrate:up
-- Indexes for the cohort figures and the learner directory, which read many learners' answers by
-- time and their snapshots newest first.
-- A learner's answers in a period (and their last answer), read from the index alone: the columns
-- the cohort statements use ride along.
-- Index statements each in an EXECUTE: on a distributed Citus cluster they reach the shards as
-- the text of the whole section, refused when it holds several statements (see 20261125000300).
do $$ begin execute 'create index session_events_user_ts_idx on analytics.session_events (user_id, ts)
    include (session_id, answer_id, skill_tag, score)'; end $$;
-- A learner's snapshots in the order the readers ask for them (latest first, ties by id), so the
-- latest ones and the window functions over them need no sort. (The unique (user_id, ts) makes the
-- id a formality, but the planner can only use an index whose columns match the order by.)
do $$ begin execute 'create index user_readiness_user_ts_id_idx on analytics.user_readiness (user_id, ts desc, id desc)'; end $$;

-- migrate:down
-- Index statements each in an EXECUTE: on a distributed Citus cluster they reach the shards as
-- the text of the whole section, refused when it holds several statements (see 20261125000300).
do $$ begin execute 'drop index analytics.user_readiness_user_ts_id_idx'; end $$;
do $$ begin execute 'drop index analytics.session_events_user_ts_idx'; end $$;
