/**
 * The readiness engine, as outsiders use it: windows and aggregates, the formula, snapshots,
 * recompute, the reads behind the API and the dashboard, coaching and cohorts. Session completion
 * calls `computeUserReadiness`; ingest never waits for it. Modules inside lib/readiness import
 * each other directly, never this file.
 */
export {
  type Component,
  COMPONENTS,
  loadReadinessConfig,
  type ReadinessConfig,
  readinessConfigSchema,
  type WindowSpec,
  windowSpec,
} from "./config.ts";
export { Exact } from "./exact.ts";
export { type ReadinessMeta, scoreReadiness } from "./formula.ts";
export type { Coaching } from "./coaching.ts";
export {
  type ComputedReadiness,
  deltaOf,
  type SessionPoint,
  type Snapshot,
  UnknownLearnerError,
} from "./snapshot.ts";
export type { Guidance, SkillEvidence } from "./guidance/mod.ts";
export type { WhyChanged } from "./guidance/why_changed.ts";
export { type RefreshResult, refreshSkillAggregates } from "./write/aggregates.ts";
export { computeReadiness, computeUserReadiness } from "./write/snapshots.ts";
export { refreshProgress } from "./write/progress.ts";
export { refreshLatest } from "./write/latest.ts";
export {
  rebuildReadiness,
  recomputeAllReadiness,
  type RecomputeResult,
  withRecomputeLock,
} from "./write/recompute.ts";
export { type SkillAggregate, skillAggregates } from "./read/aggregates.ts";
export { listSnapshots } from "./read/history.ts";
export {
  type AsOfPair,
  type ReadinessAsOf,
  readinessAsOf,
  readinessAsOfEach,
} from "./read/as_of.ts";
export { DEFAULT_HISTORY } from "./sql.ts";
export { readinessBody } from "./read/readiness_body.ts";
export { type TrendsData, trendsData } from "./read/trends.ts";
export { type TrendsBody, trendsBody } from "./read/trends_body.ts";
export {
  fillLearnerReads,
  type KeptRead,
  keptReadBody,
  keptReads,
  keptTrendWindow,
  readsBuilder,
} from "./read/kept_bodies.ts";
export { coachingData, type CoachingView } from "./read/coaching.ts";
export { sessionScores } from "./read/series.ts";
export { type DashboardData, loadDashboard } from "./read/dashboard.ts";
export { type TimeToReadiness, timeToReadiness } from "./read/cohorts.ts";
export { type ReadinessFreshness, readinessFreshness } from "./read/freshness.ts";
export {
  readinessGauges,
  type ReadinessRunner,
  runIsDue,
  startReadinessRunner,
} from "./write/runner.ts";
