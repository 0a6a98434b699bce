/**
 * The validity report: paired outcomes judged per band, by discrimination (AUC) and by
 * calibration (logistic fit, Brier score, reliability table), overall and per formula version.
 * Figures are computed exactly and rounded once for output: rates, probabilities, AUC and Brier to
 * 4 places, readiness to 2, logistic coefficients to 6. Definitions: docs/validity.md.
 */
import type { Queryable } from "../db/mod.ts";
import { type CohortFilters, echo, resolveFilters } from "../cohorts/mod.ts";
import type { FilterInput, FiltersEcho } from "../cohorts/filters.ts";
import { type PairedOutcome, pairOutcomes } from "./pairing.ts";
import {
  auc,
  type AucComponents,
  aucComponents,
  brier,
  type Interval,
  logistic,
  logisticFit,
  reliability,
  type ReliabilityRow,
  wilson,
} from "./stats.ts";
import type { ReadinessConfig } from "../readiness/config.ts";

/** Below this many outcomes in either class the figures are flagged as too few to judge. */
export const MIN_PER_CLASS = 20;
/** Readiness values the fitted pass probability is reported at. */
export const PREDICT_AT = [40, 70, 85] as const;
export const AUC_METHOD = "DeLong";

/** One judged outcome: its readiness as of the interview, whether it passed, the snapshot's band. */
export interface Judged {
  readiness: number;
  passed: boolean;
  band: string;
}

export interface BandFigures {
  band: string;
  outcomes: number;
  passed: number;
  pass_rate: number | null;
  ci95: Interval | null;
}

export interface Figures {
  paired: number;
  passed: number;
  failed: number;
  bands: BandFigures[];
  auc: {
    value: number | null;
    ci95: Interval | null;
    method: typeof AUC_METHOD;
    passed: number;
    failed: number;
  };
  calibration: {
    intercept: number | null;
    slope: number | null;
    brier: number | null;
    /** Brier score of predicting the observed pass rate for everyone: p̄ (1 − p̄). */
    brier_base_rate: number | null;
    predicted: Record<"40" | "70" | "85", number | null>;
    reliability: ReliabilityRow[];
  };
  too_few_to_judge: boolean;
}

export interface VersionFigures extends Figures {
  formula_version: string | null;
}

export interface ValidityReport extends Figures {
  filters: FiltersEcho;
  /** Outcomes of the cohort in the period, paired or not. */
  outcomes: number;
  unpaired: number;
  by_formula_version: VersionFigures[];
}

/** Band labels in report order: the configured bands low to high, then any other stored label. */
function bandOrder(seen: Iterable<string>, config: ReadinessConfig): string[] {
  const configured = config.bands.map((b) => b.label);
  const others = [...new Set(seen)].filter((b) => !configured.includes(b)).sort();
  return [...configured, ...others];
}

/** The figures of a list of judged outcomes, exact (unrounded), with the AUC's components. */
export function computeFigures(
  judged: readonly Judged[],
  config: ReadinessConfig,
): { figures: Figures; components: AucComponents | null } {
  const passedScores = judged.filter((j) => j.passed).map((j) => j.readiness);
  const failedScores = judged.filter((j) => !j.passed).map((j) => j.readiness);
  const bands = bandOrder(judged.map((j) => j.band), config).map((band): BandFigures => {
    const inBand = judged.filter((j) => j.band === band);
    const passed = inBand.filter((j) => j.passed).length;
    return {
      band,
      outcomes: inBand.length,
      passed,
      pass_rate: inBand.length ? passed / inBand.length : null,
      ci95: wilson(passed, inBand.length),
    };
  });
  const components = aucComponents(passedScores, failedScores);
  const a = auc(passedScores, failedScores);
  const x = judged.map((j) => j.readiness);
  const y = judged.map((j) => (j.passed ? 1 : 0) as 0 | 1);
  const fit = logisticFit(x, y);
  const predictedEach = fit ? x.map((v) => logistic(fit.intercept + fit.slope * v)) : null;
  const rate = judged.length ? passedScores.length / judged.length : null;
  const table = reliability(x, predictedEach ?? x.map(() => NaN), y).map((row) =>
    predictedEach ? row : { ...row, mean_predicted: null }
  );
  const at = (r: number) => (fit ? logistic(fit.intercept + fit.slope * r) : null);
  return {
    figures: {
      paired: judged.length,
      passed: passedScores.length,
      failed: failedScores.length,
      bands,
      auc: {
        value: a?.value ?? null,
        ci95: a?.ci95 ?? null,
        method: AUC_METHOD,
        passed: passedScores.length,
        failed: failedScores.length,
      },
      calibration: {
        intercept: fit?.intercept ?? null,
        slope: fit?.slope ?? null,
        brier: predictedEach ? brier(predictedEach, y) : null,
        brier_base_rate: rate === null ? null : rate * (1 - rate),
        predicted: { "40": at(40), "70": at(70), "85": at(85) },
        reliability: table,
      },
      too_few_to_judge: passedScores.length < MIN_PER_CLASS ||
        failedScores.length < MIN_PER_CLASS,
    },
    components,
  };
}

/** Rounds half away from zero to `places` decimals; null stays null. */
export function round(x: number | null, places: number): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  const f = 10 ** places;
  return Math.sign(x) * Math.round(Math.abs(x) * f) / f;
}

const p4 = (x: number | null) => round(x, 4);
const interval4 = (i: Interval | null): Interval | null =>
  i ? [p4(i[0]) as number, p4(i[1]) as number] : null;

/** The figures as answered: rounded once (see the header). */
export function roundFigures<T extends Figures>(f: T): T {
  return {
    ...f,
    bands: f.bands.map((b) => ({ ...b, pass_rate: p4(b.pass_rate), ci95: interval4(b.ci95) })),
    auc: { ...f.auc, value: p4(f.auc.value), ci95: interval4(f.auc.ci95) },
    calibration: {
      intercept: round(f.calibration.intercept, 6),
      slope: round(f.calibration.slope, 6),
      brier: p4(f.calibration.brier),
      brier_base_rate: p4(f.calibration.brier_base_rate),
      predicted: {
        "40": p4(f.calibration.predicted["40"]),
        "70": p4(f.calibration.predicted["70"]),
        "85": p4(f.calibration.predicted["85"]),
      },
      reliability: f.calibration.reliability.map((r) => ({
        ...r,
        mean_readiness: round(r.mean_readiness, 2),
        mean_predicted: p4(r.mean_predicted),
        observed: p4(r.observed),
      })),
    },
  };
}

/** The paired outcomes as judged outcomes (the unpaired left out). */
export function judgedOf(pairs: readonly PairedOutcome[]): Judged[] {
  return pairs.filter((p) => p.readiness !== null).map((p) => ({
    readiness: p.readiness as number,
    passed: p.result === "passed",
    band: p.band as string,
  }));
}

/** The report of already paired outcomes (pure: the route and tests share it). */
/** Bands are listed in the order of `config` (the deployment's readiness.json). */
export function reportOf(
  pairs: readonly PairedOutcome[],
  filters: CohortFilters,
  config: ReadinessConfig,
): ValidityReport {
  const paired = pairs.filter((p) => p.readiness !== null);
  const versions = [...new Set(paired.map((p) => p.formula_version))].sort((a, b) =>
    (a ?? "").localeCompare(b ?? "")
  );
  const overall = roundFigures(computeFigures(judgedOf(paired), config).figures);
  // One version (the usual case) judged every paired outcome: its figures are the overall ones.
  const byVersion = versions.length === 1
    ? [{ formula_version: versions[0], ...overall }]
    : versions.map((formula_version) => ({
      formula_version,
      ...roundFigures(
        computeFigures(
          judgedOf(paired.filter((p) => p.formula_version === formula_version)),
          config,
        ).figures,
      ),
    }));
  return {
    filters: echo(filters),
    outcomes: pairs.length,
    unpaired: pairs.length - paired.length,
    ...overall,
    by_formula_version: byVersion,
  };
}

/** The validity report of the cohort's outcomes in the period. */
export async function validityReport(
  sql: Queryable,
  filters: CohortFilters,
  config: ReadinessConfig,
): Promise<ValidityReport> {
  return reportOf(await pairOutcomes(sql, filters), filters, config);
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** The default period of the report: the 365 days ending now (outcomes are few per learner). */
export const VALIDITY_DEFAULT_DAYS = 365;

/** The filters with the period resolved: `to` defaults to now, `from` to `to` − 365 days. */
export function resolveValidityFilters(q: FilterInput, now: Date = new Date()): CohortFilters {
  const to = q.to === undefined ? now : new Date(q.to);
  const from = q.from ?? new Date(to.getTime() - VALIDITY_DEFAULT_DAYS * DAY_MS).toISOString();
  return resolveFilters({ ...q, from, to: to.toISOString() }, now);
}
