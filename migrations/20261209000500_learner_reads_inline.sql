-- migrate:up
-- Kept trends and coaching bodies stored in their row instead of out of line: a body over 2 kB (a
-- trends body is ~10 kB of JSON, a coaching one ~3.4 kB) was moved to the TOAST table, so every
-- read also probed the TOAST index and read its chunks (five or six for a trends body). Now a row
-- is left as it is up to toast_tuple_target (as large as a row may be), and a larger one is
-- compressed in place (lz4 where the server has it): a trends body takes ~2 kB. On the bench's
-- 5,000 learners a lookup of 12 trends bodies ran 1.3–1.5× as often per second, and the trends
-- bodies take a fifth of the space. Rows kept before stay as they are (and read the same) until
-- the learner's next write deletes them; the next read keeps the new form.
-- A distributed Citus table refuses SET STORAGE: there the storage is set on the coordinator's
-- table alone (DDL propagation off for it) and on every shard (run_command_on_shards), before this
-- transaction holds any shard's lock.
do $$
declare
  -- The storage, as one ALTER of the table named by %s.
  storage constant text := 'alter table %s set (toast_tuple_target = 8160),
    alter column body set storage main, alter column tail set storage main';
  distributed boolean := false;
  propagation text;
  failed int;
begin
  if to_regclass('pg_catalog.pg_dist_partition') is not null then
    execute 'select exists (select from pg_catalog.pg_dist_partition
                            where logicalrelid = ''analytics.learner_reads''::regclass)'
      into distributed;
  end if;
  if distributed then
    propagation := current_setting('citus.enable_ddl_propagation');
    perform set_config('citus.enable_ddl_propagation', 'off', true);
  end if;
  execute format(storage, 'analytics.learner_reads');
  if distributed then
    perform set_config('citus.enable_ddl_propagation', propagation, true);
    select count(*) into failed
    from run_command_on_shards('analytics.learner_reads', storage) where not success;
    if failed > 0 then
      raise exception 'the storage of analytics.learner_reads failed on % shards', failed;
    end if;
  end if;
  -- Compression is propagated to the shards as it is.
  begin
    execute 'alter table analytics.learner_reads alter column body set compression lz4';
    execute 'alter table analytics.learner_reads alter column tail set compression lz4';
  exception when feature_not_supported then
    null; -- a server built without lz4 (embedded PGlite): the default, pglz
  end;
end
$$;
comment on column analytics.learner_reads.body is 'The whole body; for coaching the text before the projection''s value, which depends on the time of the read. Stored in the row (compressed when the row would not fit).';

-- migrate:down
-- As the up section (Citus).
do $$
declare
  -- The storage, as one ALTER of the table named by %s.
  storage constant text := 'alter table %s reset (toast_tuple_target),
    alter column body set storage external, alter column tail set storage external';
  distributed boolean := false;
  propagation text;
  failed int;
begin
  if to_regclass('pg_catalog.pg_dist_partition') is not null then
    execute 'select exists (select from pg_catalog.pg_dist_partition
                            where logicalrelid = ''analytics.learner_reads''::regclass)'
      into distributed;
  end if;
  if distributed then
    propagation := current_setting('citus.enable_ddl_propagation');
    perform set_config('citus.enable_ddl_propagation', 'off', true);
  end if;
  execute format(storage, 'analytics.learner_reads');
  if distributed then
    perform set_config('citus.enable_ddl_propagation', propagation, true);
    select count(*) into failed
    from run_command_on_shards('analytics.learner_reads', storage) where not success;
    if failed > 0 then
      raise exception 'the storage of analytics.learner_reads failed on % shards', failed;
    end if;
  end if;
  execute 'alter table analytics.learner_reads alter column body set compression default';
  execute 'alter table analytics.learner_reads alter column tail set compression default';
end
$$;
comment on column analytics.learner_reads.body is 'The whole body; for coaching the text before the projection''s value, which depends on the time of the read.';
