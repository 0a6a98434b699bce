/**
 * Backtest of a candidate readiness formula: every outcome of the cohort's period judged against
 * the learner's readiness as of `occurred_at` recomputed under the current formula and under the
 * candidate (the same computation for both, so an unchanged formula changes nothing), the two
 * reports side by side and the paired DeLong difference of their AUCs. Writes nothing.
 */
import type { Queryable } from "../db/mod.ts";
import { type CohortFilters, cohortLearners } from "../cohorts/mod.ts";
import { readinessAsOfEach, type ReadinessConfig } from "../readiness/mod.ts";
import type { Result } from "./outcomes.ts";
import type { PairedOutcome } from "./pairing.ts";
import { judgedOf, reportOf, round, type ValidityReport } from "./report.ts";
import { aucComponents, type Interval, pairedAucDifference } from "./stats.ts";

export interface AucDifference {
  /** AUC of the candidate − AUC of the current formula, on the outcomes judged under both. */
  value: number | null;
  /** DeLong 95 % interval of the paired difference; null with fewer than 2 of a class. */
  ci95: Interval | null;
  /** Outcomes judged under both formulas (sufficient evidence under each). */
  paired: number;
  passed: number;
  failed: number;
}

export interface Backtest {
  current: ValidityReport;
  candidate: ValidityReport;
  auc_difference: AucDifference;
}

interface OutcomeRow {
  user_id: string;
  outcome_id: string;
  occurred_at: Date;
  /** occurred_at as Postgres prints it (microseconds kept). */
  at: string;
  result: Result;
}

/** The cohort's outcomes with `from` ≤ occurred_at < `to`. */
function outcomesOf(sql: Queryable, f: CohortFilters) {
  return sql<OutcomeRow[]>`
    select o.user_id::text, o.outcome_id, o.occurred_at, to_json(o.occurred_at) #>> '{}' as at,
           o.result
    from analytics.interview_outcomes o
    where o.user_id in (${cohortLearners(sql, f)})
      and o.occurred_at >= ${f.from} and o.occurred_at < ${f.to}
    order by o.occurred_at, o.user_id, o.outcome_id`;
}

/** The outcomes paired with readiness recomputed as of each (unpaired: not sufficient). */
function pairedUnder(
  outcomes: readonly OutcomeRow[],
  scores: readonly { overall: number | null; band: string; sufficient: boolean }[],
  config: ReadinessConfig,
): PairedOutcome[] {
  return outcomes.map((o, i) => {
    const s = scores[i];
    const ok = s.sufficient && s.overall !== null;
    return {
      user_id: o.user_id,
      outcome_id: o.outcome_id,
      occurred_at: o.occurred_at,
      result: o.result,
      snapshot_id: null,
      snapshot_ts: ok ? o.occurred_at : null,
      readiness: ok ? s.overall : null,
      band: ok ? s.band : null,
      formula_version: ok ? config.formula_version : null,
    };
  });
}

/** The paired AUC difference (candidate − current) on the outcomes judged under both. */
export function aucDifference(
  current: readonly PairedOutcome[],
  candidate: readonly PairedOutcome[],
): AucDifference {
  const both = current.map((_, i) => i).filter((i) =>
    current[i].readiness !== null && candidate[i].readiness !== null
  );
  const componentsOf = (pairs: readonly PairedOutcome[]) => {
    const judged = judgedOf(both.map((i) => pairs[i]));
    return aucComponents(
      judged.filter((j) => j.passed).map((j) => j.readiness),
      judged.filter((j) => !j.passed).map((j) => j.readiness),
    );
  };
  const a = componentsOf(current);
  const b = componentsOf(candidate);
  const passed = both.filter((i) => current[i].result === "passed").length;
  const counts = { paired: both.length, passed, failed: both.length - passed };
  if (!a || !b) return { value: null, ci95: null, ...counts };
  const d = pairedAucDifference(a, b);
  return {
    value: round(d.value, 4),
    ci95: d.ci95 ? [round(d.ci95[0], 4) as number, round(d.ci95[1], 4) as number] : null,
    ...counts,
  };
}

/** Backtests `candidate` against `current` on the cohort's outcomes in the period. */
export async function backtest(
  sql: Queryable,
  filters: CohortFilters,
  candidate: ReadinessConfig,
  current: ReadinessConfig,
): Promise<Backtest> {
  const outcomes = await outcomesOf(sql, filters);
  const [now, next] = await readinessAsOfEach(
    sql,
    outcomes.map((o) => ({ user_id: o.user_id, at: o.at })),
    [current, candidate],
  );
  const currentPairs = pairedUnder(outcomes, now, current);
  const candidatePairs = pairedUnder(outcomes, next, candidate);
  return {
    current: reportOf(currentPairs, filters, current),
    candidate: reportOf(candidatePairs, filters, current),
    auc_difference: aucDifference(currentPairs, candidatePairs),
  };
}
