/**
 * `deno task import-history DIR [--dry-run]` — imports the legacy on-disk JSON layout
 * (`DIR/sessions/{sessionId}/scorecard.json`, `DIR/users/history_{userId}.json`) into Postgres.
 * Idempotent. Exit code 0 when nothing failed, 1 when any file failed, 2 for bad arguments or
 * environment.
 */
import { parseArgs } from "node:util";
import { IMPORT_LOG_PREFIX, importHistoryDir } from "../lib/transcripts/legacy_import.ts";
import { summaryLine } from "../lib/transcripts/run_log.ts";
import { EXIT_FAILED, EXIT_OK, openOpsDatabase, opsConfig, runScript, UsageError } from "./_ops.ts";

const USAGE = "usage: deno task import-history DIR [--dry-run]";

/** Parses the command line; bad arguments are a UsageError. */
export function parseImportArgs(args: string[]): { dir: string; dryRun: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { "dry-run": { type: "boolean" } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== 1) throw new UsageError("give exactly one DIR");
  return {
    dir: parsed.positionals[0].replace(/\/+$/, "") || "/",
    dryRun: !!parsed.values["dry-run"],
  };
}

async function main(): Promise<number> {
  const { dir, dryRun } = parseImportArgs(Deno.args);
  try {
    if (!(await Deno.stat(dir)).isDirectory) throw new UsageError(`${dir} is not a directory`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new UsageError(`${dir} does not exist`);
    throw error;
  }
  const db = await openOpsDatabase(opsConfig());
  try {
    const summary = await importHistoryDir(
      db.sql,
      dir,
      { dryRun },
      (line, level) => (level === "error" ? console.error(line) : console.log(line)),
    );
    console.log(
      summaryLine(IMPORT_LOG_PREFIX, summary, {
        [dryRun ? "events_would_insert" : "events_inserted"]: summary.eventsInserted,
      }),
    );
    return summary.failed > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    await db.close();
  }
}

if (import.meta.main) await runScript(IMPORT_LOG_PREFIX, USAGE, main);
