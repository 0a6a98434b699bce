/**
 * `deno task import-history DIR [--dry-run] [--no-rebuild]` — imports the legacy on-disk JSON
 * layout (`DIR/sessions/{sessionId}/scorecard.json`, `DIR/users/history_{userId}.json`) into
 * Postgres, then rebuilds the readiness history of the learners whose answers it added (one
 * snapshot per session, dated by the session), unless `--no-rebuild`. Idempotent. Exit code 0
 * when nothing failed, 1 when any file failed, 2 for bad arguments or environment.
 */
import { parseArgs } from "node:util";
import { IMPORT_LOG_PREFIX, importHistoryDir } from "../lib/legacy/import.ts";
import { lowSkillRule } from "../lib/sessions/activity.ts";
import { summaryLine } from "../lib/legacy/run_log.ts";
import { rebuildReadiness } from "../lib/readiness/mod.ts";
import {
  EXIT_FAILED,
  EXIT_OK,
  openOpsDatabase,
  opsConfig,
  opsStaticConfig,
  runScript,
  UsageError,
} from "./_ops.ts";

const USAGE = "usage: deno task import-history DIR [--dry-run] [--no-rebuild]";

/** Parses the command line; bad arguments are a UsageError. */
export function parseImportArgs(
  args: string[],
): { dir: string; dryRun: boolean; rebuild: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { "dry-run": { type: "boolean" }, "no-rebuild": { type: "boolean" } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== 1) throw new UsageError("give exactly one DIR");
  return {
    dir: parsed.positionals[0].replace(/\/+$/, "") || "/",
    dryRun: !!parsed.values["dry-run"],
    rebuild: !parsed.values["no-rebuild"],
  };
}

async function main(): Promise<number> {
  const { dir, dryRun, rebuild } = parseImportArgs(Deno.args);
  try {
    if (!(await Deno.stat(dir)).isDirectory) throw new UsageError(`${dir} is not a directory`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new UsageError(`${dir} does not exist`);
    throw error;
  }
  const settings = opsStaticConfig();
  const db = await openOpsDatabase(opsConfig());
  try {
    const summary = await importHistoryDir(
      db.sql,
      dir,
      { dryRun, catalog: settings.catalog, lowRule: lowSkillRule(settings) },
      (line, level) => (level === "error" ? console.error(line) : console.log(line)),
    );
    console.log(
      summaryLine(IMPORT_LOG_PREFIX, summary, {
        [dryRun ? "events_would_insert" : "events_inserted"]: summary.eventsInserted,
      }),
    );
    if (!dryRun) {
      // Imported answers are history: the learners' snapshots are rebuilt session by session.
      // Exactly the learners this run added answers for (not whoever else was marked meanwhile).
      const touched = [...new Set(summary.learnersWithNewAnswers)].sort();
      if (touched.length > 0 && rebuild) {
        const r = await rebuildReadiness(db.sql, {
          userIds: touched,
          trigger: "import",
          config: settings.readiness,
        });
        console.log(
          r.skipped
            ? `${IMPORT_LOG_PREFIX}: readiness not rebuilt (another recompute is running); run deno task recompute --rebuild --user ID for each imported learner`
            : `${IMPORT_LOG_PREFIX}: rebuilt readiness of ${r.learners} learners (${r.snapshots} snapshots)`,
        );
      } else if (touched.length > 0) {
        console.log(
          `${IMPORT_LOG_PREFIX}: ${touched.length} learners have new history; rebuild their readiness with deno task recompute --rebuild --user ID`,
        );
      }
    }
    return summary.failed > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    await db.close();
  }
}

if (import.meta.main) await runScript(IMPORT_LOG_PREFIX, USAGE, main);
