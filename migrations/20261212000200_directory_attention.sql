-- migrate:up
-- The needs-attention rules' inputs on the learner's directory row (one row per learner, already
-- rewritten whenever its latest snapshot or its answers change: lib/learners/directory_rows.ts),
-- so that the cohort's needs-attention list reads one narrow row per learner instead of joining
-- the kept activity and latest-snapshot rows (each with their arrays of times) in full.
-- Copies, written with the directory row from learner_activity and learner_latest.
-- In an EXECUTE of its own: on a Citus cluster an ALTER with several subcommands reaches the
-- shards as the text of the statement, which fails when that text is this whole file (dbmate
-- sends it at once; see 20261125000300_readiness_reached_at.sql).
do $$
begin
  execute 'alter table analytics.learner_directory
    add column last_answer_at timestamptz,
    add column low_rule       text,
    add column low_skills     text[],
    add column latest_at      timestamptz,
    add column sufficient     boolean,
    add column scored_at      timestamptz,
    add column scored         numeric(5, 2)[]';
end
$$;
comment on column analytics.learner_directory.last_answer_at is 'learner_activity.last_answer_at: the learner''s latest answer; null without answers.';
comment on column analytics.learner_directory.low_rule is 'learner_activity.low_rule: the low-skill rule low_skills was judged by.';
comment on column analytics.learner_directory.low_skills is 'learner_activity.low_skills: the skills persistently low after every answer.';
comment on column analytics.learner_directory.latest_at is 'learner_latest.ts: time of the latest snapshot; null without snapshots.';
comment on column analytics.learner_directory.sufficient is 'learner_latest.sufficient: the latest snapshot has sufficient evidence.';
comment on column analytics.learner_directory.scored_at is 'learner_latest.scored_at: time of the latest snapshot with an overall.';
comment on column analytics.learner_directory.scored is 'learner_latest.scored: overall readiness of the latest snapshots with an overall, newest first (at most 101).';

update analytics.learner_directory d
set last_answer_at = a.last_answer_at, low_rule = a.low_rule, low_skills = a.low_skills
from analytics.learner_activity a
where a.user_id = d.user_id;
update analytics.learner_directory d
set latest_at = t.ts, sufficient = t.sufficient, scored_at = t.scored_at, scored = t.scored
from analytics.learner_latest t
where t.user_id = d.user_id;

-- migrate:down
-- In an EXECUTE of its own, like the ALTER of the up migration (Citus).
do $$
begin
  execute 'alter table analytics.learner_directory
    drop column last_answer_at, drop column low_rule, drop column low_skills,
    drop column latest_at, drop column sufficient, drop column scored_at, drop column scored';
end
$$;
