-- migrate:up
-- Indexes for the cohort figures and the learner directory, which read many learners' answers by
-- time and their snapshots newest first.
-- A learner's answers in a period (and their last answer), read from the index alone: the columns
-- the cohort statements use ride along.
create index session_events_user_ts_idx on analytics.session_events (user_id, ts)
  include (session_id, answer_id, skill_tag, score);
-- A learner's snapshots in the order the readers ask for them (latest first, ties by id), so the
-- latest ones and the window functions over them need no sort. (The unique (user_id, ts) makes the
-- id a formality, but the planner can only use an index whose columns match the order by.)
create index user_readiness_user_ts_id_idx on analytics.user_readiness (user_id, ts desc, id desc);

-- migrate:down
drop index analytics.user_readiness_user_ts_id_idx;
drop index analytics.session_events_user_ts_idx;
