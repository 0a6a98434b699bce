-- migrate:up
-- The name people call a learner on screen (the directory, the learner's page). Optional: a
-- learner without one is labelled from their profile ("Senior backend learner 6f1d").
-- One ALTER per EXECUTE (Citus: see 20261125000300), the check apart from the column: a distributed
-- Citus table refuses ADD COLUMN with a constraint.
do $$
begin
  execute 'alter table analytics.learners add column display_name text';
  execute 'alter table analytics.learners add constraint learners_display_name_check
    check (char_length(display_name) between 1 and 100)';
end
$$;
comment on column analytics.learners.display_name is 'Name shown for the learner in the coach''s and admin''s views (1–100 characters); null when none was given. Personal data: exported and erased with the learner.';

-- migrate:down
do $$
begin
  execute 'alter table analytics.learners drop column display_name';
end
$$;
