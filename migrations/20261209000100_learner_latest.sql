-- migrate:up
-- Each learner's latest snapshot, kept for the learner directory: sorting 100,000 learners by
-- readiness (or by its change) reads this table's index in order and stops at the page's end,
-- instead of finding every learner's latest two snapshots first. Derived data: rewritten in the
-- transaction that writes the learner's snapshots (lib/readiness/write/latest.ts), under the
-- learner's lock; a learner without snapshots has no row.
create table analytics.learner_latest (
  user_id     uuid not null primary key
                references analytics.learners (user_id) on delete cascade,
  ts          timestamptz not null,
  snapshot_id bigint not null,
  readiness   numeric(5, 2),
  previous    numeric(5, 2),
  delta       numeric(6, 2) generated always as (readiness - previous) stored,
  band        text not null,
  sufficient  boolean not null
);
comment on table analytics.learner_latest is 'Per learner, the latest readiness snapshot (ts desc, id desc) and the overall of the one before it; rewritten with the learner''s snapshots. The directory''s sort by readiness or change reads it in index order.';
comment on column analytics.learner_latest.previous is 'Overall readiness of the snapshot before the latest; null when there is none or it has no overall.';
comment on column analytics.learner_latest.delta is 'readiness − previous (exact); null when either is null.';
comment on column analytics.learner_latest.sufficient is 'The latest snapshot''s meta.sufficient_evidence (true when absent).';
-- Both orders, ties by user id ascending in each (a backward scan would reverse the ties).
create index learner_latest_readiness_asc_idx
  on analytics.learner_latest (readiness, user_id) where readiness is not null;
create index learner_latest_readiness_desc_idx
  on analytics.learner_latest (readiness desc, user_id) where readiness is not null;
create index learner_latest_delta_asc_idx
  on analytics.learner_latest (delta, user_id) where delta is not null;
create index learner_latest_delta_desc_idx
  on analytics.learner_latest (delta desc, user_id) where delta is not null;

-- Filled from the snapshots (the source), as refreshLatest does.
insert into analytics.learner_latest
  (user_id, ts, snapshot_id, readiness, previous, band, sufficient)
select t.user_id, t.ts, t.id, t.readiness_overall, t.previous, t.band,
       coalesce((t.meta ->> 'sufficient_evidence')::boolean, true)
from (
  select r.user_id, r.ts, r.id, r.readiness_overall, r.band, r.meta,
         lead(r.readiness_overall) over w as previous,
         row_number() over w as rn
  from analytics.user_readiness r
  window w as (partition by r.user_id order by r.ts desc, r.id desc)
) t
where t.rn = 1;

-- migrate:down
drop table analytics.learner_latest;
