/**
 * The readiness engine: windows and aggregates, the formula, snapshots, recompute, coaching and
 * cohorts. Session completion calls `computeUserReadiness`; ingest never waits for it.
 */
export {
  type RefreshResult,
  refreshSkillAggregates,
  type SkillAggregate,
  skillAggregates,
} from "./aggregates.ts";
export {
  type Component,
  COMPONENTS,
  loadReadinessConfig,
  type ReadinessConfig,
  readinessConfig,
  type WindowSpec,
  windowSpec,
} from "./config.ts";
export { type ReadinessMeta, scoreReadiness } from "./formula.ts";
export {
  type ComputedReadiness,
  computeReadiness,
  computeUserReadiness,
  deltaOf,
  listSnapshots,
  type Snapshot,
  UnknownLearnerError,
} from "./snapshots.ts";
export {
  rebuildReadiness,
  recomputeAllReadiness,
  type RecomputeResult,
  withRecomputeLock,
} from "./recompute.ts";
export { lockKeptRows } from "./readiness_reads.ts";
export { Exact } from "./exact.ts";
export type { Coaching } from "./coaching.ts";
export { type TimeToReadiness, timeToReadiness } from "./cohorts.ts";
export { type SessionPoint, sessionScores } from "./series.ts";
