/**
 * Recomputing readiness for many learners: incremental by default (only learners whose evidence
 * changed, or whose day windows lost an answer, since the last run), a full pass on request, and a
 * rebuild that replays every session. Set-based statements over bounded batches of learners, one
 * transaction per batch; one run at a time per database (advisory lock).
 */
import { recordRecompute } from "../../metrics.ts";
import type { Queryable, Sql } from "../../db/mod.ts";
import { poolSize } from "../../db/client.ts";
import { type ReadinessConfig } from "../config.ts";
import { fillKeptReads } from "./kept_reads.ts";
import { disjointLanes, lockLearners } from "../../learners/lock.ts";
import { isCitus } from "../../db/citus.ts";
import { computeReadiness, replaySnapshots } from "./snapshots.ts";

export interface RecomputeProgress {
  done: number;
  total: number;
}

/** One batch done: its position, learners and wall time (for timing a run batch by batch). */
export interface RecomputeBatch {
  index: number;
  learners: number;
  ms: number;
}

export interface RecomputeOptions {
  /** Only learners with an event at or after this time (implies a full check of them). */
  activeSince?: Date;
  /** Check every learner with answers, not only those with new evidence. */
  full?: boolean;
  /** Only these learners (with `rebuild`: rebuild just them). */
  userIds?: string[];
  /** Replay every session: one snapshot per session, replacing the learners' snapshots. */
  rebuild?: boolean;
  /** Learners per transaction (default from config/readiness.json). */
  batchSize?: number;
  /**
   * Batches in flight at once, each lane of learners on its own connection (default from
   * config/readiness.json, at most the pool's connections: 1 on the embedded database).
   */
  concurrency?: number;
  onProgress?: (progress: RecomputeProgress) => void;
  onBatch?: (batch: RecomputeBatch) => void;
  trigger?: string;
  /** The formula (config/readiness.json). */
  config: ReadinessConfig;
}

export interface RecomputeResult {
  /** How the learners were chosen: incremental, full or rebuild. */
  mode: "incremental" | "full" | "rebuild";
  /** Learners computed. */
  learners: number;
  /** Snapshots written (new or corrected). */
  snapshots: number;
  /** Learners computed whose readiness had not changed (nothing written for them). */
  unchanged: number;
  batches: number;
  duration_ms: number;
  /** True when another run held the lock: this one did nothing. */
  skipped?: boolean;
}

/** Advisory lock key of readiness recompute runs (any constant; 'PULSE' 'rdy' in ASCII). */
export const RECOMPUTE_LOCK = 0x50554c5345726479n;

/** Runs `fn` while holding the recompute lock, or returns null when another run holds it. */
export async function withRecomputeLock<T>(sql: Sql, fn: () => Promise<T>): Promise<T | null> {
  const max = poolSize(sql);
  if (max <= 1) {
    // One connection (embedded database): a session lock would be shared by every caller of this
    // process, and this process is the database's only client; a flag is the lock.
    if (embeddedRunning.has(sql)) return null;
    embeddedRunning.add(sql);
    try {
      return await fn();
    } finally {
      embeddedRunning.delete(sql);
    }
  }
  const conn = await sql.reserve();
  try {
    const [{ locked }] = await conn<{ locked: boolean }[]>`
      select pg_try_advisory_lock(${RECOMPUTE_LOCK.toString()}::bigint) as locked`;
    if (!locked) return null;
    try {
      return await fn();
    } finally {
      await conn`select pg_advisory_unlock(${RECOMPUTE_LOCK.toString()}::bigint)`;
    }
  } finally {
    conn.release();
  }
}
const embeddedRunning = new WeakSet<object>();

/**
 * The learners an incremental run must look at: those marked pending (new or changed evidence),
 * those with an answer that left a day window since the last run, and everyone with answers when
 * there was no run yet or the formula version changed since.
 */
async function incrementalCandidates(
  sql: Queryable,
  config: ReadinessConfig,
  now: Date,
): Promise<string[] | null> {
  const [last] = await sql<{ started_at: Date; formula_version: string | null }[]>`
    select started_at, formula_version from analytics.readiness_runs
    order by id desc limit 1`;
  if (!last || last.formula_version !== config.formula_version) return null;
  const days = config.windows.filter((w) => w.kind === "days").map((w) => w.size);
  const rows = await sql<{ user_id: string }[]>`
    select user_id from analytics.readiness_pending
    union
    select e.user_id from unnest(${days}::int[]) w(size)
    join analytics.session_events e
      on e.ts > ${last.started_at}::timestamptz - make_interval(hours => 24 * w.size)
     and e.ts <= ${now}::timestamptz - make_interval(hours => 24 * w.size)
    order by 1`;
  return rows.map((r) => r.user_id);
}

/** Runs of at least this many batches keep the planner's statistics fresh as they go. */
const STATISTICS_BATCHES = 8;

const isPowerOf4 = (n: number) => n > 0 && (n & (n - 1)) === 0 && (Math.log2(n) % 2 === 0);

/**
 * The tables whose row counts a batch's plans depend on: the ones it reads per learner and joins
 * (the kept rows it rewrites are written from these, keyed by learner).
 */
const PLANNED_TABLES = [
  "learners",
  "sessions",
  "session_events",
  "user_skill_agg",
  "user_readiness",
  "readiness_pending",
];

/**
 * ANALYZE of each of those tables whose statistics are missing or stale (a fifth of its rows, and
 * at least a thousand, changed since): a batch names its learners by id, and the planner expects
 * as many rows of each table as their count times the rows per learner that the statistics say.
 * Without them it may scan a whole table for every batch. Autovacuum does the same in time, but not
 * within a run. Nothing on Citus: the statistics that plan a shard's part live on its worker.
 */
async function refreshStatistics(sql: Sql): Promise<void> {
  if (await isCitus(sql)) return;
  const stale = await sql<{ name: string }[]>`
    select format('%I.%I', t.schemaname, t.relname) as name
    from pg_stat_user_tables t
    where t.schemaname = 'analytics' and t.relname = any(${PLANNED_TABLES}::text[])
      and (coalesce(t.last_analyze, t.last_autoanalyze) is null
           or t.n_mod_since_analyze > greatest(1000, t.n_live_tup / 5))
    order by 1`;
  for (const { name } of stale) await sql.unsafe(`analyze ${name}`);
}

/** Every learner with answers (optionally an answer since `since`), by user id. */
async function learnersWithAnswers(sql: Queryable, since?: Date): Promise<string[]> {
  const active = since ? sql`and e.ts >= ${since}` : sql``;
  const rows = await sql<{ user_id: string }[]>`
    select l.user_id from analytics.learners l
    where exists (select 1 from analytics.session_events e where e.user_id = l.user_id ${active})
    order by l.user_id`;
  return rows.map((r) => r.user_id);
}

/**
 * Recomputes readiness. By default incrementally: only learners whose evidence changed since their
 * latest snapshot, or whose day windows lost an answer since the last run; each is scored as of
 * their latest evidence and gets a snapshot only if something changed. `full` checks everyone with
 * answers; `rebuild` replays sessions (see rebuildReadiness). One run at a time: a run that finds
 * another one going returns `skipped` without doing anything.
 */
export async function recomputeAllReadiness(
  sql: Sql,
  options: RecomputeOptions,
): Promise<RecomputeResult> {
  const started = performance.now();
  const config = options.config;
  const batchSize = options.batchSize ?? config.recompute.batch_size;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer (got ${batchSize})`);
  }
  const result = await withRecomputeLock(sql, async () => {
    const [{ now }] = await sql<{ now: Date }[]>`select now() as now`;
    let mode: RecomputeResult["mode"] = options.rebuild ? "rebuild" : "incremental";
    let ids: string[] | null = null;
    if (options.userIds) {
      ids = [...new Set(options.userIds.map((id) => id.toLowerCase()))].sort();
      if (!options.rebuild) mode = "full";
    } else if (!options.rebuild && !options.full && !options.activeSince) {
      ids = await incrementalCandidates(sql, config, now);
    }
    if (ids === null) {
      ids = await learnersWithAnswers(sql, options.activeSince);
      if (mode === "incremental") mode = "full";
    }

    const out: RecomputeResult = {
      mode,
      learners: 0,
      snapshots: 0,
      unchanged: 0,
      batches: 0,
      duration_ms: 0,
    };
    const trigger = options.trigger ?? (options.rebuild ? "rebuild" : "recompute");
    // A run of many batches plans each batch from the tables' statistics: refreshed where stale
    // before the first batch, and again after batches 1, 4, 16, … (a first run fills the derived
    // tables from nothing, and the plans of later batches need to know that they did).
    const manyBatches = ids.length >= STATISTICS_BATCHES * batchSize;
    if (manyBatches) await refreshStatistics(sql);
    // Batches run `lanes` at a time, on as many connections: each lane walks learners whose locks
    // no other lane takes (disjointLanes), so lanes never wait for each other.
    const pool = poolSize(sql);
    const lanes = Math.max(
      1,
      Math.min(
        options.concurrency ?? config.recompute.concurrency ?? 1,
        pool,
        Math.ceil(ids.length / batchSize),
      ),
    );
    const laneIds = lanes > 1 ? await disjointLanes(sql, ids, lanes) : [ids];
    let failed = false;
    const runBatch = async (batch: string[]) => {
      const batchStarted = performance.now();
      const r = await sql.begin(async (tx) => {
        // The batch's locks first, before any read it acts on or any write.
        await lockLearners(tx, batch);
        // Derived rows, rebuilt from the answers by the next run if lost: a batch's commit does
        // not wait for its WAL to reach disk (a crash loses whole batches, never part of one,
        // and their pending marks with them). The run's record, written last with a durable
        // commit, flushes every batch before it: a run that returned is on disk whole.
        await tx`select set_config('synchronous_commit', 'off', true)`;
        if (options.rebuild) {
          // The learners' histories are replayed as one: nobody sees half a history.
          // Marks seen before the replay: one that a new answer sets meanwhile is kept.
          const marks = await tx<{ user_id: string; version: string }[]>`
              select user_id, version::text from analytics.readiness_pending
              where user_id = any(${batch}::uuid[])`;
          const rebuilt = await replaySnapshots(tx, batch, { config, trigger });
          await tx`
              delete from analytics.readiness_pending p
              using unnest(${marks.map((m) => m.user_id)}::uuid[], ${
            marks.map((m) => m.version)
          }::bigint[]) as m(user_id, version)
              where p.user_id = m.user_id and p.version = m.version`;
          return rebuilt;
        }
        return await computeReadiness(tx, batch, { config, trigger, details: false });
      });
      out.learners += batch.length;
      out.snapshots += r.written;
      out.unchanged += r.unchanged;
      options.onBatch?.({
        index: out.batches,
        learners: batch.length,
        ms: performance.now() - batchStarted,
      });
      out.batches++;
      options.onProgress?.({ done: out.learners, total: ids.length });
      if (manyBatches && isPowerOf4(out.batches)) await refreshStatistics(sql);
    };
    const runLane = async (lane: string[]) => {
      for (let i = 0; i < lane.length && !failed; i += batchSize) {
        try {
          await runBatch(lane.slice(i, i + batchSize));
        } catch (error) {
          // The other lanes stop after their current batch; the run fails with this error.
          failed = true;
          throw error;
        }
      }
    };
    const settled = await Promise.allSettled(laneIds.map(runLane));
    const rejected = settled.find((r) => r.status === "rejected");
    if (rejected) throw (rejected as PromiseRejectedResult).reason;
    // Kept readiness reads that are missing or from another version of the app (the changed
    // learners' were rewritten with their snapshots above).
    const kept = options.userIds ? null : await fillKeptReads(sql, batchSize);
    await sql`
      insert into analytics.readiness_runs
        (kind, started_at, formula_version, learners, written, unchanged, kept_builder, kept_since)
      values (${out.mode}, ${now}, ${config.formula_version}, ${out.learners}, ${out.snapshots},
              ${out.unchanged}, ${kept?.builder ?? null}, ${kept?.since ?? null})`;
    return out;
  });
  const done = result ?? {
    mode: options.rebuild ? "rebuild" : options.full ? "full" : "incremental",
    learners: 0,
    snapshots: 0,
    unchanged: 0,
    batches: 0,
    duration_ms: 0,
    skipped: true,
  } satisfies RecomputeResult;
  done.duration_ms = Math.round(performance.now() - started);
  recordRecompute(done, options.trigger ?? (options.rebuild ? "rebuild" : "recompute"));
  return done;
}

/**
 * Replays the sessions of `userIds` (every learner with answers when omitted) in time order: one
 * snapshot per session, dated by that session (completion, else last answer) and computed as of
 * it, replacing each learner's earlier snapshots in one transaction. Running it again gives the
 * same history.
 */
export async function rebuildReadiness(
  sql: Sql,
  options: Omit<RecomputeOptions, "rebuild" | "full">,
): Promise<RecomputeResult> {
  return await recomputeAllReadiness(sql, { ...options, rebuild: true });
}
