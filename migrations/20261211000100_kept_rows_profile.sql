-- migrate:up
-- The learner's profile (level, track, cohort) on the rows kept per learner for the cohort
-- figures, so that a cohort filtered by profile is a condition on the kept table itself instead of
-- a semi-join with the learners the profile selects (a hash of their ids built for every
-- statement, in every parallel worker). Written with the rows (lib/readiness/write/latest.ts,
-- lib/sessions/activity.ts) from the learner row, and rewritten by a profile write
-- (lib/learners/profile.ts) under the learner's lock, as the directory row is.
-- One ALTER per EXECUTE: on a Citus cluster (tables already distributed) an ALTER with several
-- subcommands reaches the shards as the text of the statement, which fails when that text is this
-- whole file (dbmate sends it at once; see 20261125000300_readiness_reached_at.sql).
do $$
begin
  execute 'alter table analytics.learner_latest
    add column level text, add column track text, add column cohort text';
  execute 'alter table analytics.learner_activity
    add column level text, add column track text, add column cohort text';
  execute 'alter table analytics.learner_skill_sessions
    add column level text, add column track text, add column cohort text';
end
$$;
comment on column analytics.learner_latest.level is 'The learner''s profile level (as are track and cohort), kept with the row for profile-filtered cohort figures.';
comment on column analytics.learner_activity.level is 'The learner''s profile level (as are track and cohort), kept with the row for profile-filtered cohort figures.';
comment on column analytics.learner_skill_sessions.level is 'The learner''s profile level (as are track and cohort), kept with the row for profile-filtered cohort figures.';

update analytics.learner_latest k set level = l.level, track = l.track, cohort = l.cohort
from analytics.learners l
where l.user_id = k.user_id
  and (l.level is not null or l.track is not null or l.cohort is not null);
update analytics.learner_activity k set level = l.level, track = l.track, cohort = l.cohort
from analytics.learners l
where l.user_id = k.user_id
  and (l.level is not null or l.track is not null or l.cohort is not null);
update analytics.learner_skill_sessions k set level = l.level, track = l.track, cohort = l.cohort
from analytics.learners l
where l.user_id = k.user_id
  and (l.level is not null or l.track is not null or l.cohort is not null);

-- migrate:down
-- In an EXECUTE each, like the ALTERs of the up migration (Citus).
do $$
begin
  execute 'alter table analytics.learner_skill_sessions
    drop column level, drop column track, drop column cohort';
  execute 'alter table analytics.learner_activity
    drop column level, drop column track, drop column cohort';
  execute 'alter table analytics.learner_latest
    drop column level, drop column track, drop column cohort';
end
$$;
