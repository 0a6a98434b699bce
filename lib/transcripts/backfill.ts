/**
 * Backfill of legacy transcripts from Azure Blob Storage into `analytics.session_transcripts`
 * (`deno task backfill`). Per blob: read, resolve the session id, skip sessions already stored,
 * read the optional `session.json` for the learner, insert with ON CONFLICT DO NOTHING. A bad blob
 * is logged and counted; it never stops the run.
 */
import { recordBackfill } from "../metrics.ts";
import type { Sql } from "../db/mod.ts";
import { type ContainerClient, listBlobNames, readJsonBlob, sessionBlobName } from "./blob.ts";
import {
  documentSessionId,
  documentUserId,
  isUuid,
  transcriptLines,
  transcriptOf,
} from "./normalise.ts";
import { type LogSink, RunLog, type RunSummary } from "./run_log.ts";
import { insertTranscript, transcriptExists } from "./store.ts";

export { type LogSink, summaryLine } from "./run_log.ts";

export const BACKFILL_LOG_PREFIX = "backfill_transcripts";
const LIST_PREFIX = "sessions/";
const SUFFIX = "/transcript.json";

export interface BackfillOptions {
  /** Read and report, write nothing (`would insert` instead of `inserted`). */
  dryRun?: boolean;
  /** Only these session ids (matched against the id in the blob path, case-insensitively). */
  sessionIds?: string[];
  /** Only session ids in the blob path starting with this (case-insensitive). */
  sessionIdPrefix?: string;
  /** Blobs processed at once (default 1). */
  concurrency?: number;
}

export type BackfillSummary = RunSummary;

/** Session id as it stands in `sessions/{id}/transcript.json`. */
export function pathSessionId(name: string): string {
  return name.slice(LIST_PREFIX.length, Math.max(LIST_PREFIX.length, name.length - SUFFIX.length));
}

/** Transcript blob names under `sessions/` that pass the filters, in listing order. */
export async function* transcriptBlobs(
  container: ContainerClient,
  options: Pick<BackfillOptions, "sessionIds" | "sessionIdPrefix">,
): AsyncGenerator<string> {
  const ids = options.sessionIds?.length
    ? new Set(options.sessionIds.map((id) => id.toLowerCase()))
    : null;
  const prefix = options.sessionIdPrefix?.toLowerCase() ?? "";
  for await (const name of listBlobNames(container, LIST_PREFIX)) {
    if (!name.endsWith(SUFFIX)) continue;
    const id = pathSessionId(name).toLowerCase();
    if (ids && !ids.has(id)) continue;
    if (!id.startsWith(prefix)) continue;
    yield name;
  }
}

/** Runs `work` over `items` with at most `concurrency` in flight; items are pulled lazily. */
export async function forEachBounded<T>(
  items: AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  // Concurrent next() calls on an async generator are queued, so each item goes to one worker.
  const worker = async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/** Backfills every transcript blob that passes the filters; returns the counts of the summary. */
export async function backfillTranscripts(
  container: ContainerClient,
  sql: Sql,
  options: BackfillOptions,
  log: LogSink,
): Promise<BackfillSummary> {
  const dryRun = options.dryRun ?? false;
  const run = new RunLog(BACKFILL_LOG_PREFIX, dryRun, log);

  const processBlob = async (name: string) => {
    run.discovered();
    let id = pathSessionId(name) || name;
    try {
      const blob = await readJsonBlob(container, name);
      if (blob.status === "missing") {
        return run.failed(`session ${id}`, `${name} was deleted during the run`);
      }
      if (blob.status === "invalid") return run.failed(`session ${id}`, blob.error);
      const doc = blob.doc;
      const rawId = documentSessionId(doc) ?? pathSessionId(name);
      if (!isUuid(rawId)) {
        if (rawId) id = rawId;
        return run.failed(`session ${id}`, `session id '${rawId}' is not a UUID`);
      }
      id = rawId.toLowerCase();
      if (await transcriptExists(sql, id)) return run.skipped(`session ${id}`);
      const meta = await readJsonBlob(container, sessionBlobName(rawId));
      const transcript = {
        sessionId: id,
        userId: meta.status === "ok" ? documentUserId(meta.doc) : null,
        lines: transcriptLines(transcriptOf(doc)),
        json: doc,
      };
      if (dryRun) return run.wouldInsert(`session ${id}`);
      // A concurrent run may have inserted it since the check: then this one skips, never updates.
      if (await insertTranscript(sql, transcript)) run.inserted(`session ${id}`);
      else run.skipped(`session ${id}`);
    } catch (error) {
      run.failed(`session ${id}`, error);
    }
  };

  await forEachBounded(transcriptBlobs(container, options), options.concurrency ?? 1, processBlob);
  recordBackfill(run.summary);
  return run.summary;
}
