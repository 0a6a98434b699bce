/**
 * Each outcome of a cohort's period with the learner's readiness as of its `occurred_at`: the
 * latest snapshot at or before that instant (ties on time: the highest id) that has an overall and
 * sufficient evidence. An outcome without such a snapshot is unpaired.
 */
import type { Queryable } from "../db/mod.ts";
import { type CohortFilters, cohortLearners } from "../cohorts/mod.ts";
import type { Result } from "./outcomes.ts";

/** An outcome and the snapshot it is judged against (null fields: unpaired). */
export interface PairedOutcome {
  user_id: string;
  outcome_id: string;
  occurred_at: Date;
  result: Result;
  snapshot_id: number | null;
  snapshot_ts: Date | null;
  /** The snapshot's overall readiness, exact (numeric(5, 2) as a number). */
  readiness: number | null;
  band: string | null;
  formula_version: string | null;
}

/**
 * The outcomes of the cohort's learners with `from` ≤ occurred_at < `to`, each with its snapshot.
 * One probe per outcome into the index of sufficient snapshots (user_id, ts desc, id desc, partial
 * on the sufficiency condition below, so the probe's first entry is the answer and no other
 * snapshot's meta is read); only the chosen snapshot's meta is read, for its formula version. The
 * learner filter is left out when no level, track or cohort is asked for: every outcome's learner
 * exists. The lateral subquery is correlated on user_id by equality, the form Citus pushes down
 * to each shard with its LIMIT.
 */
export async function pairOutcomes(sql: Queryable, f: CohortFilters): Promise<PairedOutcome[]> {
  const everyone = f.level === undefined && f.track === undefined && f.cohort === undefined;
  const cohort = everyone ? sql`` : sql`and o.user_id in (${cohortLearners(sql, f)})`;
  return await sql<PairedOutcome[]>`
    select o.user_id::text, o.outcome_id, o.occurred_at, o.result,
           s.id::float8 as snapshot_id, s.ts as snapshot_ts,
           s.readiness_overall::float8 as readiness, s.band,
           s.meta ->> 'formula_version' as formula_version
    from analytics.interview_outcomes o
    left join lateral (
      select r.id, r.ts, r.readiness_overall, r.band, r.meta
      from analytics.user_readiness r
      where r.user_id = o.user_id and r.ts <= o.occurred_at and r.ts < ${f.to}
        -- Exactly the predicate of user_readiness_sufficient_idx, so the planner can use it.
        and r.readiness_overall is not null
        and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true)
      order by r.ts desc, r.id desc
      limit 1
    ) s on true
    where o.occurred_at >= ${f.from} and o.occurred_at < ${f.to} ${cohort}
    order by o.occurred_at, o.user_id, o.outcome_id`;
}
