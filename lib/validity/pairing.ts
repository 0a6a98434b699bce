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
 * Set-based: one hash join of the period's outcomes to their learners' snapshots (ts ≤ occurred_at)
 * and one sort that keeps the latest per outcome (DISTINCT ON), instead of an index probe per
 * outcome; every join is on user_id, so it stays a co-located statement under Citus.
 */
export async function pairOutcomes(sql: Queryable, f: CohortFilters): Promise<PairedOutcome[]> {
  return await sql<PairedOutcome[]>`
    with o as (
      select o.user_id, o.outcome_id, o.occurred_at, o.result
      from analytics.interview_outcomes o
      where o.user_id in (${cohortLearners(sql, f)})
        and o.occurred_at >= ${f.from} and o.occurred_at < ${f.to}
    ),
    latest as (
      select distinct on (o.user_id, o.outcome_id)
             o.user_id, o.outcome_id, r.id, r.ts, r.readiness_overall, r.band,
             r.meta ->> 'formula_version' as formula_version
      from o
      join analytics.user_readiness r on r.user_id = o.user_id and r.ts <= o.occurred_at
      where r.ts < ${f.to}
        and r.readiness_overall is not null
        and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true)
      order by o.user_id, o.outcome_id, r.ts desc, r.id desc
    )
    select o.user_id::text, o.outcome_id, o.occurred_at, o.result,
           s.id::float8 as snapshot_id, s.ts as snapshot_ts,
           s.readiness_overall::float8 as readiness, s.band, s.formula_version
    from o
    left join latest s on s.user_id = o.user_id and s.outcome_id = o.outcome_id
    order by o.occurred_at, o.user_id, o.outcome_id`;
}
