/**
 * `deno task backfill [--dry-run] [--session-id ID]... [--session-id-prefix P] [--concurrency N]`
 * — copies legacy transcripts from Azure Blob Storage (`sessions/{id}/transcript.json` in
 * PULSE_SESSIONS_CONTAINER of AZURE_STORAGE_CONNECTION_STRING) into Postgres. Idempotent. Exit
 * code 0 when nothing failed, 1 when any blob failed, 2 for bad arguments or environment.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { BACKFILL_LOG_PREFIX, backfillTranscripts, summaryLine } from "../lib/legacy/backfill.ts";
import { containerFromConnectionString } from "../lib/legacy/blob.ts";
import { describeIssues } from "../lib/validation.ts";
import { EXIT_FAILED, EXIT_OK, openOpsDatabase, opsConfig, runScript, UsageError } from "./_ops.ts";

const USAGE =
  "usage: deno task backfill [--dry-run] [--session-id ID]... [--session-id-prefix P] [--concurrency N]";

const argsSchema = z.object({
  "dry-run": z.boolean().default(false),
  "session-id": z.array(z.uuid("must be a UUID")).default([]),
  "session-id-prefix": z.string().regex(/^[^/]+$/, "must be non-empty, without '/'").optional(),
  concurrency: z.coerce.number().int("must be an integer").min(1).max(64).default(1),
});

/** Parses the command line; bad arguments are a UsageError. */
export function parseBackfillArgs(args: string[]): z.infer<typeof argsSchema> {
  let values: unknown;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        "dry-run": { type: "boolean" },
        "session-id": { type: "string", multiple: true },
        "session-id-prefix": { type: "string" },
        concurrency: { type: "string" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = describeIssues(parsed.error.issues, {
      path: "head",
      separator: " ",
      more: false,
    });
    throw new UsageError(`--${issue}`);
  }
  return parsed.data;
}

async function main(): Promise<number> {
  const args = parseBackfillArgs(Deno.args);
  const config = opsConfig();
  if (!config.azure.connectionString) {
    throw new UsageError("AZURE_STORAGE_CONNECTION_STRING is not set");
  }
  const container = containerFromConnectionString(
    config.azure.connectionString,
    config.azure.sessionsContainer,
  );
  const db = await openOpsDatabase(config);
  try {
    const summary = await backfillTranscripts(container, db.sql, {
      dryRun: args["dry-run"],
      sessionIds: args["session-id"],
      sessionIdPrefix: args["session-id-prefix"],
      concurrency: args.concurrency,
    }, (line, level) => (level === "error" ? console.error(line) : console.log(line)));
    console.log(summaryLine(BACKFILL_LOG_PREFIX, summary));
    return summary.failed > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    await db.close();
  }
}

if (import.meta.main) await runScript(BACKFILL_LOG_PREFIX, USAGE, main);
