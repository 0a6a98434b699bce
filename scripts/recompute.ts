/**
 * `deno task recompute [--full] [--rebuild] [--user ID] [--active-since DATE]` — readiness on the
 * configured database, with a progress line. By default incremental: only learners whose evidence
 * changed, or whose day windows lost an answer, since the last run; a snapshot only where
 * something changed. Safe to run from cron: an overlapping run finds the lock taken and exits 0.
 * `--directory` repairs the learner directory's kept rows and profile counts instead.
 */
import { parseArgs } from "node:util";
import {
  computeUserReadiness,
  recomputeAllReadiness,
  type RecomputeResult,
  UnknownLearnerError,
} from "../lib/readiness/mod.ts";
import {
  EXIT_FAILED,
  EXIT_OK,
  exitOnHelp,
  openOpsDatabase,
  opsConfig,
  opsStaticConfig,
  runScript,
  UsageError,
} from "./_ops.ts";
import { rebuildDirectory } from "../lib/learners/directory_rows.ts";

const USAGE =
  "usage: deno task recompute [--full | --rebuild] [--user USER_ID] [--active-since ISO_DATE]\n" +
  "       deno task recompute --directory   (rewrite the learner directory's rows and profile counts from the sources)";
exitOnHelp(USAGE);
const TRIGGER = "cli";
const UUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

export interface RecomputeArgs {
  user?: string;
  activeSince?: Date;
  full: boolean;
  rebuild: boolean;
  directory: boolean;
}

/** Parses the command line; bad arguments are a UsageError. */
export function parseRecomputeArgs(args: string[]): RecomputeArgs {
  let values;
  try {
    values = parseArgs({
      args,
      strict: true,
      options: {
        user: { type: "string" },
        "active-since": { type: "string" },
        full: { type: "boolean" },
        rebuild: { type: "boolean" },
        directory: { type: "boolean" },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const since = values["active-since"] ? new Date(values["active-since"]) : undefined;
  if (since && Number.isNaN(since.getTime())) {
    throw new UsageError(`--active-since: not a date: ${values["active-since"]}`);
  }
  if (values.user !== undefined && !UUID.test(values.user)) {
    throw new UsageError(`--user: not a uuid: ${values.user}`);
  }
  if (values.rebuild && (values.full || since)) {
    throw new UsageError("--rebuild replays every session: leave out --full and --active-since");
  }
  if (values.user && (values.full || since)) {
    throw new UsageError("--user recomputes one learner: leave out --full and --active-since");
  }
  if (values.directory && (values.full || values.rebuild || since || values.user)) {
    throw new UsageError("--directory repairs the directory alone: leave out the other options");
  }
  return {
    user: values.user?.toLowerCase(),
    activeSince: since,
    full: !!values.full,
    rebuild: !!values.rebuild,
    directory: !!values.directory,
  };
}

/** One summary line of a run. */
export function resultLine(r: RecomputeResult): string {
  if (r.skipped) return "skipped: another recompute is running";
  return `done (${r.mode}): ${r.learners} learners, ${r.snapshots} snapshots written, ${r.unchanged} unchanged, ${r.batches} batches, ${r.duration_ms} ms`;
}

async function main(): Promise<number> {
  const args = parseRecomputeArgs(Deno.args);
  const config = opsStaticConfig().readiness;
  const db = await openOpsDatabase(opsConfig());
  console.log(`Database: ${db.label}`);
  const encoder = new TextEncoder();
  const interactive = Deno.stdout.isTerminal();
  try {
    if (args.directory) {
      const t0 = performance.now();
      const r = await rebuildDirectory(db.sql, {
        batchSize: config.recompute.batch_size,
        onProgress: (done, total) => {
          if (!interactive) return;
          const pct = total ? Math.floor((done / total) * 100) : 100;
          Deno.stdout.writeSync(encoder.encode(`\rdirectory ${done}/${total} learners (${pct}%)`));
        },
      });
      if (interactive && r.learners > 0) console.log();
      console.log(
        `done (directory): ${r.learners} learners, ${r.rewritten} rows rewritten, ${r.orphans} orphan rows deleted, ${r.counts} profile counts corrected, ${
          Math.round(performance.now() - t0)
        } ms`,
      );
      return EXIT_OK;
    }
    if (args.user && !args.rebuild) {
      const r = await computeUserReadiness(db.sql, args.user, { trigger: TRIGGER, config });
      const delta = r.delta === null ? "" : ` (${r.delta >= 0 ? "+" : ""}${r.delta})`;
      console.log(
        `${r.user_id}: readiness ${r.overall ?? "—"}${delta}, ${r.band} as of ${r.ts}${
          r.written ? "" : " (unchanged)"
        }`,
      );
      return EXIT_OK;
    }
    const result = await recomputeAllReadiness(db.sql, {
      activeSince: args.activeSince,
      full: args.full,
      rebuild: args.rebuild,
      userIds: args.user ? [args.user] : undefined,
      trigger: TRIGGER,
      config,
      onProgress: ({ done, total }) => {
        if (!interactive) return;
        const pct = total ? Math.floor((done / total) * 100) : 100;
        Deno.stdout.writeSync(encoder.encode(`\rrecomputed ${done}/${total} learners (${pct}%)`));
      },
    });
    if (interactive && result.learners > 0) console.log();
    console.log(resultLine(result));
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof UnknownLearnerError)) throw error;
    console.error(`No learner ${error.userId}`);
    return EXIT_FAILED;
  } finally {
    await db.close();
  }
}

if (import.meta.main) await runScript("recompute", USAGE, main);
