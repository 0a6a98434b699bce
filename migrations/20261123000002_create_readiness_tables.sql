-- migrate:up
create table analytics.user_skill_agg (
  user_id       uuid not null references analytics.learners (user_id) on delete cascade,
  skill_tag     text not null,
  window_key    text not null,
  avg_score     numeric(5, 2) not null check (avg_score between 0 and 100),
  sample_size   integer not null check (sample_size > 0),
  session_count integer not null check (session_count > 0),
  last_updated  timestamptz not null default now(),
  constraint user_skill_agg_user_skill_window_key unique (user_id, skill_tag, window_key)
);
comment on table analytics.user_skill_agg is 'Average score per learner, skill and aggregation window (config/readiness.json windows); recomputed set-based.';
comment on column analytics.user_skill_agg.window_key is 'Aggregation window, e.g. last_5_sessions, 14d.';
comment on column analytics.user_skill_agg.sample_size is 'Number of scored answers averaged.';
comment on column analytics.user_skill_agg.session_count is 'Number of distinct sessions those answers came from.';

create table analytics.user_readiness (
  id                      bigserial primary key,
  user_id                 uuid not null references analytics.learners (user_id) on delete cascade,
  ts                      timestamptz not null default now(),
  readiness_overall       numeric(5, 2) check (readiness_overall between 0 and 100),
  readiness_technical     numeric(5, 2) check (readiness_technical between 0 and 100),
  readiness_communication numeric(5, 2) check (readiness_communication between 0 and 100),
  readiness_structure     numeric(5, 2) check (readiness_structure between 0 and 100),
  readiness_behavioral    numeric(5, 2) check (readiness_behavioral between 0 and 100),
  band                    text not null,
  meta                    jsonb not null default '{}'::jsonb
);
create index user_readiness_user_ts_idx on analytics.user_readiness (user_id, ts desc);
comment on table analytics.user_readiness is 'Readiness snapshots over time (0-100 composite and components). Null values mean no evidence for that component.';
comment on column analytics.user_readiness.band is 'Band label at the time of the snapshot (thresholds from config/readiness.json).';
comment on column analytics.user_readiness.meta is 'Formula version, weights, window, evidence counts, missing components and trigger of the snapshot.';

-- migrate:down
drop table analytics.user_readiness;
drop table analytics.user_skill_agg;
