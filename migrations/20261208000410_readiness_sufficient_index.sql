-- migrate:up
-- A learner's snapshots with an overall and sufficient evidence, latest first (ties by id): the
-- readiness as of a moment is the first entry at or before it, found without reading any
-- snapshot's meta (the validity report's pairing probes it once per outcome). The predicate is
-- the one the readers write, word for word, so the planner matches it.
create index user_readiness_sufficient_idx on analytics.user_readiness (user_id, ts desc, id desc)
  where readiness_overall is not null
    and coalesce((meta ->> 'sufficient_evidence')::boolean, true);

-- migrate:down
drop index analytics.user_readiness_sufficient_idx;
