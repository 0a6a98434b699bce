/** The snapshot as the engine and its readers share it: types, row mapping and the change between two. */
import { type Component, COMPONENTS } from "./config.ts";
import { Exact } from "./exact.ts";
import type { Components, ReadinessMeta } from "./formula.ts";

export interface Snapshot {
  id: number;
  user_id: string;
  /** ISO time of the snapshot. */
  ts: string;
  overall: number | null;
  components: Components;
  band: string;
  formula_version: string;
  meta: ReadinessMeta;
}

/** A freshly written snapshot with its change against the learner's previous one. */
export interface ComputedReadiness extends Snapshot {
  previous_overall: number | null;
  /** overall − previous overall; null when either is missing. */
  delta: number | null;
}

/** Thrown for a user id that is not a known learner. */
export class UnknownLearnerError extends Error {
  override name = "UnknownLearnerError";
  constructor(readonly userId: string) {
    super(`unknown learner ${userId}`);
  }
}

/** A row of analytics.user_readiness as read. */
export type SnapshotRow = {
  id: number;
  user_id: string;
  ts: Date;
  readiness_overall: number | null;
  readiness_technical: number | null;
  readiness_communication: number | null;
  readiness_structure: number | null;
  readiness_behavioral: number | null;
  band: string;
  meta: ReadinessMeta;
};

/** Change of overall between two snapshots, or null. */
export function deltaOf(
  current: number | null,
  previous: number | null | undefined,
): number | null {
  return current === null || previous === null || previous === undefined
    ? null
    : Exact.of(current).minus(previous).round2();
}

/** A stored row as the API shows it. */
export function toSnapshot(row: SnapshotRow): Snapshot {
  return {
    id: row.id,
    user_id: row.user_id,
    ts: row.ts.toISOString(),
    overall: row.readiness_overall,
    components: Object.fromEntries(
      COMPONENTS.map((c) => [c, row[`readiness_${c}`]]),
    ) as Record<Component, number | null>,
    band: row.band,
    formula_version: row.meta.formula_version,
    meta: row.meta,
  };
}

/** One session's average of a skill: a point of the per-session series. */
export interface SessionPoint {
  skill_tag: string;
  session_id: string;
  /** ISO time of the session's first answer on the skill. */
  ts: string;
  /** Average of the session's answers on the skill. */
  score: number;
  answers: number;
}
