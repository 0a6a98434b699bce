/** Recomputing every learner's readiness: set-based statements over bounded batches of learners. */
import { recordRecompute } from "../metrics.ts";
import type { Sql } from "../db/mod.ts";
import { type ReadinessConfig, readinessConfig } from "./config.ts";
import { computeReadinessFor } from "./snapshots.ts";

export interface RecomputeProgress {
  done: number;
  total: number;
}

export interface RecomputeOptions {
  /** Only learners with an event at or after this time. */
  activeSince?: Date;
  /** Learners per transaction (default from config/readiness.json). */
  batchSize?: number;
  onProgress?: (progress: RecomputeProgress) => void;
  trigger?: string;
  config?: ReadinessConfig;
}

export interface RecomputeResult {
  learners: number;
  snapshots: number;
  batches: number;
  duration_ms: number;
}

/**
 * Writes a fresh snapshot for every learner with events (or only those active since a date).
 * Learners are walked by user id in batches, one transaction each, so memory stays flat and a
 * failure loses at most one batch.
 */
export async function recomputeAllReadiness(
  sql: Sql,
  options: RecomputeOptions = {},
): Promise<RecomputeResult> {
  const started = performance.now();
  const config = options.config ?? readinessConfig;
  const batchSize = options.batchSize ?? config.recompute.batch_size;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer (got ${batchSize})`);
  }
  const active = options.activeSince ? sql`and e.ts >= ${options.activeSince}` : sql``;
  const [{ total }] = await sql<{ total: number }[]>`
    select count(*)::int as total from analytics.learners l
    where exists (select 1 from analytics.session_events e where e.user_id = l.user_id ${active})`;

  const result: RecomputeResult = { learners: 0, snapshots: 0, batches: 0, duration_ms: 0 };
  let after: string | null = null;
  while (true) {
    const from = after ? sql`and l.user_id > ${after}` : sql``;
    const ids: string[] = (await sql<{ user_id: string }[]>`
      select l.user_id from analytics.learners l
      where exists (select 1 from analytics.session_events e where e.user_id = l.user_id ${active})
        ${from}
      order by l.user_id
      limit ${batchSize}`).map((r) => r.user_id);
    if (ids.length === 0) break;
    const written = await sql.begin((tx) =>
      computeReadinessFor(tx, ids, { config, trigger: options.trigger ?? "recompute" })
    );
    result.learners += ids.length;
    result.snapshots += written.length;
    result.batches++;
    after = ids[ids.length - 1];
    options.onProgress?.({ done: result.learners, total: Math.max(total, result.learners) });
  }
  result.duration_ms = Math.round(performance.now() - started);
  recordRecompute(result, options.trigger ?? "recompute");
  return result;
}
