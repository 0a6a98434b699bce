/** user_readiness: computing, writing and reading readiness snapshots. */
import type postgres from "postgres";
import type { Queryable, Sql } from "../db/mod.ts";
import { refreshSkillAggregates } from "./aggregates.ts";
import { type Component, COMPONENTS, type ReadinessConfig, readinessConfig } from "./config.ts";
import {
  type Components,
  type ReadinessMeta,
  round2,
  scoreReadiness,
  type SkillAverage,
} from "./formula.ts";

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

export interface ComputeOptions {
  /** Why the snapshot was taken (e.g. session_complete, admin, recompute); stored in meta. */
  trigger?: string;
  config?: ReadinessConfig;
  /** Compute as of this time (windows and snapshot time); default now. */
  asOf?: Date;
}

/** Thrown for a user id that is not a known learner. */
export class UnknownLearnerError extends Error {
  override name = "UnknownLearnerError";
  constructor(readonly userId: string) {
    super(`unknown learner ${userId}`);
  }
}

type SnapshotRow = {
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
    : round2(current - previous);
}

function toSnapshot(row: SnapshotRow): Snapshot {
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

/**
 * Refreshes the aggregates of `userIds`, scores them and writes one snapshot each: a fixed number
 * of set-based statements whatever the number of learners. Unknown user ids get no snapshot.
 */
export async function computeReadinessFor(
  tx: Queryable,
  userIds: string[],
  options: ComputeOptions = {},
): Promise<ComputedReadiness[]> {
  if (userIds.length === 0) return [];
  const config = options.config ?? readinessConfig;
  const trigger = options.trigger ?? "manual";
  await refreshSkillAggregates(tx, userIds, { config, asOf: options.asOf });

  const averages = await tx<(SkillAverage & { user_id: string })[]>`
    select user_id, skill_tag, avg_score, sample_size, session_count
    from analytics.user_skill_agg
    where user_id = any(${userIds}::uuid[]) and window_key = ${config.readiness_window}`;
  const byUser = Map.groupBy(averages, (a) => a.user_id);
  const input = [...new Set(userIds.map((id) => id.toLowerCase()))].map((userId) => {
    const score = scoreReadiness(byUser.get(userId) ?? [], config, { trigger, asOf: options.asOf });
    return {
      user_id: userId,
      overall: score.overall,
      ...score.components,
      band: score.band,
      meta: score.meta,
    };
  });

  const at = options.asOf ? tx`${options.asOf}::timestamptz` : tx`now()`;
  const rows = await tx<(SnapshotRow & { previous_overall: number | null })[]>`
    with input as (
      select r.* from jsonb_to_recordset(${
    tx.json(input as unknown as postgres.JSONValue)
  }::jsonb) as r(
        user_id uuid, overall numeric, technical numeric, communication numeric,
        structure numeric, behavioral numeric, band text, meta jsonb)
      join analytics.learners l on l.user_id = r.user_id
    ), written as (
      insert into analytics.user_readiness
        (user_id, ts, readiness_overall, readiness_technical, readiness_communication,
         readiness_structure, readiness_behavioral, band, meta)
      select user_id, ${at}, overall, technical, communication, structure, behavioral, band, meta
      from input
      returning *
    )
    select w.*, prev.readiness_overall as previous_overall
    from written w
    left join lateral (
      -- Runs on the statement's snapshot: sees the snapshots from before this insert only.
      select p.readiness_overall from analytics.user_readiness p
      where p.user_id = w.user_id and p.ts <= w.ts
      order by p.ts desc, p.id desc limit 1
    ) prev on true
    order by w.user_id`;
  return rows.map((row) => ({
    ...toSnapshot(row),
    previous_overall: row.previous_overall,
    delta: deltaOf(row.readiness_overall, row.previous_overall),
  }));
}

/**
 * Refreshes one learner's aggregates, computes their readiness and writes a snapshot (one
 * transaction). Throws UnknownLearnerError for a user id that is not a learner.
 */
export async function computeUserReadiness(
  sql: Sql,
  userId: string,
  options?: { trigger?: string; config?: ReadinessConfig; asOf?: Date },
): Promise<ComputedReadiness> {
  const [result] = await sql.begin((tx) => computeReadinessFor(tx, [userId], options));
  if (!result) throw new UnknownLearnerError(userId);
  return result;
}

/** A learner's snapshots, newest first. */
export async function listSnapshots(
  sql: Queryable,
  userId: string,
  limit: number,
): Promise<Snapshot[]> {
  const rows = await sql<SnapshotRow[]>`
    select id, user_id, ts, readiness_overall, readiness_technical, readiness_communication,
           readiness_structure, readiness_behavioral, band, meta
    from analytics.user_readiness
    where user_id = ${userId}
    order by ts desc, id desc
    limit ${limit}`;
  return rows.map(toSnapshot);
}
