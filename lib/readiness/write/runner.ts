/**
 * The readiness runner: a loop started by every app process (main.ts) that keeps readiness
 * following the answers without `/complete` or cron. Each tick asks the database, cheaply, whether
 * work is due (a learner marked pending, or no run for a day so that day windows move) and only
 * then runs an incremental recompute. The recompute lock lets one process work at a time: the
 * others' runs come back `skipped`, and the pending marks (cleared in the transaction that writes
 * the learner's snapshot) mean nobody is computed twice and a run cut short loses nothing.
 */
import { isDatabaseUnavailable, withTimeout } from "../../db/errors.ts";
import type { Queryable, Sql } from "../../db/mod.ts";
import { log } from "../../log.ts";
import { type GaugeReading, readinessRunnerRuns } from "../../metrics.ts";
import type { ReadinessConfig } from "../config.ts";
import { recomputeAllReadiness, type RecomputeResult } from "./recompute.ts";

/** How long readiness may go without a run before day windows are refreshed anyway. */
export const REFRESH_MS = 24 * 60 * 60 * 1000;

/** What a tick reads before deciding: all from the database, its clock included. */
export interface DueState {
  /** Some learner has evidence newer than their readiness. */
  pending: boolean;
  /** Start of the latest finished run (any kind, any process); null before the first. */
  lastRunAt: Date | null;
  now: Date;
}

/** Whether a tick runs a recompute: learners pending, no run yet, or the last run a day old. */
export function runIsDue(state: DueState, refreshMs = REFRESH_MS): boolean {
  if (state.pending || state.lastRunAt === null) return true;
  return state.now.getTime() - state.lastRunAt.getTime() >= refreshMs;
}

/** One cheap round trip: any pending mark (an index probe), the latest run (by primary key). */
export async function readDueState(sql: Queryable): Promise<DueState> {
  const [row] = await sql<{ pending: boolean; last_run: Date | null; now: Date }[]>`
    select exists (select 1 from analytics.readiness_pending) as pending,
           (select started_at from analytics.readiness_runs order by id desc limit 1) as last_run,
           now() as now`;
  return { pending: row.pending, lastRunAt: row.last_run, now: row.now };
}

export interface RunnerOptions {
  /** Seconds between ticks (> 0). */
  intervalSeconds: number;
  /** See REFRESH_MS. */
  refreshMs?: number;
  /** Learners per transaction (default from config/readiness.json). */
  batchSize?: number;
  /** The formula (config/readiness.json). */
  config: ReadinessConfig;
  /** Called after each tick that ran (tests). */
  onRun?: (result: RecomputeResult) => void;
}

export interface ReadinessRunner {
  /** Stops ticking; a run in progress stops after its current batch. Resolves once it has. */
  stop(): Promise<void>;
}

/** Raised between two batches of a run when the runner is stopping (the batches done stay). */
class RunnerStopping extends Error {
  override name = "RunnerStopping";
}

/**
 * Starts the runner on `sql`: a tick every `intervalSeconds` (the first one interval after
 * start). Never throws and never lets an error escape: a database outage is logged once and
 * retried on the next tick; any other failure is logged and retried likewise.
 */
export function startReadinessRunner(sql: Sql, options: RunnerOptions): ReadinessRunner {
  if (!(options.intervalSeconds > 0)) {
    throw new RangeError(`intervalSeconds must be positive (got ${options.intervalSeconds})`);
  }
  const refreshMs = options.refreshMs ?? REFRESH_MS;
  let stopping = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> | null = null;
  let unavailable = false;

  const tick = async () => {
    try {
      if (!runIsDue(await readDueState(sql), refreshMs)) return;
      const result = await recomputeAllReadiness(sql, {
        trigger: "runner",
        config: options.config,
        batchSize: options.batchSize,
        onProgress: () => {
          if (stopping) throw new RunnerStopping("the runner is stopping");
        },
      });
      readinessRunnerRuns.inc({ outcome: result.skipped ? "skipped" : "done" });
      options.onRun?.(result);
      if (!result.skipped && result.learners > 0) {
        log.info(
          `readiness runner: ${result.learners} learners, ${result.snapshots} snapshots written`,
          { mode: result.mode, unchanged: result.unchanged, duration_ms: result.duration_ms },
        );
      }
      if (unavailable) log.info("readiness runner: the database is back");
      unavailable = false;
    } catch (error) {
      if (error instanceof RunnerStopping) {
        readinessRunnerRuns.inc({ outcome: "stopped" });
        return;
      }
      readinessRunnerRuns.inc({ outcome: "failed" });
      if (isDatabaseUnavailable(error)) {
        // One line per outage, not one per tick.
        if (!unavailable) {
          log.warn("readiness runner: database unavailable, retrying on the next tick", {
            error: String(error),
          });
        }
        unavailable = true;
        return;
      }
      log.error("readiness runner: run failed, retrying on the next tick", {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
    }
  };

  const schedule = () => {
    if (stopping) return;
    timer = setTimeout(() => {
      current = tick().finally(() => {
        current = null;
        schedule();
      });
    }, options.intervalSeconds * 1000);
  };
  schedule();

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await current;
    },
  };
}

/**
 * Gauges read at scrape time from the database (any process's runs): the pending backlog and the
 * latest run's time and duration. Nothing when the database does not answer within a second:
 * /metrics still serves this process's own figures during an outage.
 */
export async function readinessGauges(sql: Queryable): Promise<GaugeReading[]> {
  let row: { pending: number; started_at: Date | null; finished_at: Date | null } | undefined;
  try {
    [row] = await withTimeout(
      sql<{ pending: number; started_at: Date | null; finished_at: Date | null }[]>`
        select (select count(*)::int from analytics.readiness_pending) as pending,
               (select started_at from analytics.readiness_runs order by id desc limit 1)
                 as started_at,
               (select finished_at from analytics.readiness_runs order by id desc limit 1)
                 as finished_at`,
      1000,
      "readiness gauges",
    );
  } catch {
    return [];
  }
  const readings: GaugeReading[] = [{
    name: "pulse_readiness_pending",
    help: "Learners whose evidence is newer than their readiness (waiting for the next run).",
    value: row!.pending,
  }];
  if (row!.started_at && row!.finished_at) {
    readings.push({
      name: "pulse_readiness_last_run_timestamp_seconds",
      help: "When the latest finished readiness run (any process, any kind) finished.",
      value: row!.finished_at.getTime() / 1000,
    }, {
      name: "pulse_readiness_last_run_duration_seconds",
      help: "How long the latest finished readiness run took.",
      value: (row!.finished_at.getTime() - row!.started_at.getTime()) / 1000,
    });
  }
  return readings;
}
