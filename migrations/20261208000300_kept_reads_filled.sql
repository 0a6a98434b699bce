-- migrate:up
-- A run that wrote every missing kept readiness body records the builder it wrote them with and
-- the moment every learner created before has one; later runs with that builder look only at
-- learners created since, instead of every learner's kept body.
alter table analytics.readiness_runs add column kept_builder text;
alter table analytics.readiness_runs add column kept_since timestamptz;
comment on column analytics.readiness_runs.kept_builder is 'The builder of the kept readiness bodies (readiness_reads) that this run wrote for every learner missing one; null when it did not fill them.';
comment on column analytics.readiness_runs.kept_since is 'With kept_builder: every learner created before this moment had a kept body from that builder when the run finished (the oldest open transaction at the fill, or its start).';

-- migrate:down
-- One ALTER per EXECUTE (Citus forwards DROP COLUMN to the shards as the statement's text).
do $$
begin
  execute 'alter table analytics.readiness_runs drop column kept_since';
  execute 'alter table analytics.readiness_runs drop column kept_builder';
end
$$;
