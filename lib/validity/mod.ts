/**
 * Validity of readiness against real interviews: the outcomes learners report, each paired with
 * the readiness as of its date, and the report of how well readiness told passes from failures.
 * Definitions: docs/validity.md.
 */
export {
  listOutcomes,
  MAX_OUTCOMES_PER_REQUEST,
  type Outcome,
  OutcomeConflict,
  OutcomeInput,
  OutcomesRequest,
  recordOutcomes,
  type RecordResult,
  RESULTS,
  UnknownLearner,
} from "./outcomes.ts";
export { type PairedOutcome, pairOutcomes } from "./pairing.ts";
export {
  AUC_METHOD,
  type BandFigures,
  computeFigures,
  type Figures,
  type Judged,
  judgedOf,
  MIN_PER_CLASS,
  PREDICT_AT,
  reportOf,
  resolveValidityFilters,
  round,
  roundFigures,
  VALIDITY_DEFAULT_DAYS,
  type ValidityReport,
  validityReport,
  type VersionFigures,
} from "./report.ts";
export {
  auc,
  type AucComponents,
  aucComponents,
  brier,
  delongVariance,
  type Interval,
  logistic,
  type LogisticFit,
  logisticFit,
  pairedAucDifference,
  reliability,
  type ReliabilityRow,
  wilson,
  Z95,
} from "./stats.ts";
export { type AucDifference, aucDifference, type Backtest, backtest } from "./backtest.ts";
