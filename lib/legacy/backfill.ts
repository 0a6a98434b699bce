/**
 * Backfill of legacy transcripts from Azure Blob Storage into Postgres (`deno task backfill`).
 * Per blob: read, resolve the session id, take the learner (the session's owner, else the
 * optional `session.json`) and place the transcript by the rule of place.ts: skip one already
 * stored, attach one parked unattached whose learner has become known, else insert it — into
 * `session_transcripts` when the learner is known, `unattached_transcripts` otherwise. A bad blob
 * is logged and counted; it never stops the run.
 *
 * Speed: the listing runs a page ahead of the downloads, and each page's sessions are looked up
 * (already stored? whose session?) in one round trip while its blobs download, so a blob's
 * `session.json`, when it is needed, downloads alongside its `transcript.json`. The downloads are
 * bounded by `--concurrency` and never wait for the database: the writes are batched, one
 * transaction for the blobs that have gathered (up to a few milliseconds' worth) while the
 * previous batch was written.
 */
import { Batcher, forEachBounded, Semaphore } from "../async.ts";
import { recordBackfill } from "../metrics.ts";
import type { Queryable, Sql } from "../db/mod.ts";
import {
  type ContainerClient,
  type JsonBlob,
  listBlobPages,
  readJsonBlob,
  sessionBlobName,
} from "./blob.ts";
import {
  documentSessionId,
  documentUserId,
  isUuid,
  transcriptLines,
  transcriptOf,
} from "../sessions/normalise.ts";
import { type LogSink, oneLine, RunLog, type RunSummary } from "./run_log.ts";
import {
  type Artefact,
  findArtefacts,
  type Found,
  placeArtefacts,
  type Placed,
  placement,
  refusal,
} from "./place.ts";
import { wouldBeErased } from "../privacy/tombstones.ts";

export { type LogSink, summaryLine } from "./run_log.ts";

export const BACKFILL_LOG_PREFIX = "backfill_transcripts";
const LIST_PREFIX = "sessions/";
const SUFFIX = "/transcript.json";
const META_SUFFIX = "/session.json";

export interface BackfillOptions {
  /** Read and report, write nothing (`would insert` instead of `inserted`). */
  dryRun?: boolean;
  /** Only these session ids (matched against the id in the blob path, case-insensitively). */
  sessionIds?: string[];
  /** Only session ids in the blob path starting with this (case-insensitive). */
  sessionIdPrefix?: string;
  /**
   * Blob downloads in flight at once (default 1); above 1, up to eight times as many blobs are in
   * progress (the others wait for a database batch without holding a download slot).
   */
  concurrency?: number;
  /** Names per listing page (default LIST_PAGE_SIZE, 1,000). */
  listPageSize?: number;
}

export type BackfillSummary = RunSummary;

/** A transcript blob, and whether its folder has a `session.json` (seen in the same listing). */
export interface TranscriptBlob {
  name: string;
  sessionJson: boolean;
}

/** Session id as it stands in `sessions/{id}/transcript.json`. */
export function pathSessionId(name: string): string {
  return name.slice(LIST_PREFIX.length, Math.max(LIST_PREFIX.length, name.length - SUFFIX.length));
}

/** Transcript blobs under `sessions/` that pass the filters, a listing page at a time. */
export async function* transcriptBlobPages(
  container: ContainerClient,
  options: Pick<BackfillOptions, "sessionIds" | "sessionIdPrefix" | "listPageSize">,
): AsyncGenerator<TranscriptBlob[]> {
  const ids = options.sessionIds?.length
    ? new Set(options.sessionIds.map((id) => id.toLowerCase()))
    : null;
  const prefix = options.sessionIdPrefix?.toLowerCase() ?? "";
  // Listing order is by name: a folder's session.json comes just before its transcript.json.
  let metaFolder: string | null = null;
  for await (const names of listBlobPages(container, LIST_PREFIX, options.listPageSize)) {
    const page: TranscriptBlob[] = [];
    for (const name of names) {
      if (name.endsWith(META_SUFFIX)) {
        metaFolder = name.slice(0, -META_SUFFIX.length);
        continue;
      }
      if (!name.endsWith(SUFFIX)) continue;
      const id = pathSessionId(name).toLowerCase();
      if (ids && !ids.has(id)) continue;
      if (!id.startsWith(prefix)) continue;
      page.push({ name, sessionJson: metaFolder === name.slice(0, -SUFFIX.length) });
    }
    if (page.length > 0) yield page;
  }
}

/** What the database holds for the sessions' transcripts (by the session ids alone). */
function lookup(sql: Queryable, ids: string[]): Promise<Found[]> {
  return findArtefacts(sql, "transcript", ids.map((sessionId) => ({ sessionId, named: null })));
}

type Written = Placed | { kind: "failed"; error: string };

/** The batch in one transaction; when it fails, each blob alone, so that one bad blob fails alone. */
async function writeEach(sql: Sql, writes: Artefact[]): Promise<Written[]> {
  try {
    return await sql.begin((tx) => placeArtefacts(tx, writes));
  } catch (error) {
    if (writes.length === 1) return [{ kind: "failed", error: oneLine(error) }];
    const results: Written[] = [];
    for (const w of writes) results.push(...await writeEach(sql, [w]));
    return results;
  }
}

/** A listed blob and the lookup of its page's sessions (by the session id in the path). */
interface Listed {
  blob: TranscriptBlob;
  page: Promise<Map<string, Found>>;
}

/** The listed blobs, each page's lookup started as soon as its first blob is taken. */
async function* listed(
  container: ContainerClient,
  sql: Queryable,
  options: BackfillOptions,
): AsyncGenerator<Listed> {
  for await (const blobs of transcriptBlobPages(container, options)) {
    const ids = blobs.map((b) => pathSessionId(b.name).toLowerCase()).filter(isUuid);
    const page = lookup(sql, ids).then((found) => new Map(ids.map((id, i) => [id, found[i]])));
    // Awaited by the page's blobs; kept from being reported as unhandled if none gets that far.
    page.catch(() => {});
    for (const blob of blobs) yield { blob, page };
  }
}

/** True when the learner must come from `session.json`: not stored for a learner, no owner. */
function needsSessionJson(found: Found | undefined): boolean {
  return found !== undefined && found.stored !== "learner" && found.owner === null;
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
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const downloads = new Semaphore(concurrency);
  // A blob whose document names another session than its path is looked up on its own.
  const lookups = new Batcher((ids: string[]) => lookup(sql, ids));
  // Above concurrency 1, a write waits a few milliseconds for company: a statement per 2N
  // sessions rather than per handful costs the database and this process far less per blob.
  const writes = new Batcher((items: Artefact[]) => writeEach(sql, items), {
    min: concurrency === 1 ? 1 : 2 * concurrency,
  });
  const download = (name: string) => downloads.run(() => readJsonBlob(container, name));

  const processBlob = async ({ blob, page }: Listed) => {
    run.discovered();
    const { name } = blob;
    const pathId = pathSessionId(name);
    let id = pathId || name;
    try {
      const transcript = download(name);
      // The folder's session.json downloads alongside when the page's lookup says it is needed.
      const folderMeta: Promise<JsonBlob | null> = blob.sessionJson
        ? page.then((found) =>
          needsSessionJson(found.get(pathId.toLowerCase()))
            ? download(sessionBlobName(pathId))
            : null
        )
        : Promise.resolve(null);
      folderMeta.catch(() => {});
      const read = await transcript;
      if (read.status === "missing") {
        return run.failed(`session ${id}`, `${name} was deleted during the run`);
      }
      if (read.status === "invalid") return run.failed(`session ${id}`, read.error);
      const doc = read.doc;
      const rawId = documentSessionId(doc) ?? pathId;
      if (!isUuid(rawId)) {
        if (rawId) id = rawId;
        return run.failed(`session ${id}`, `session id '${rawId}' is not a UUID`);
      }
      id = rawId.toLowerCase();
      const item = `session ${id}`;
      const found = id === pathId.toLowerCase() ? (await page).get(id)! : await lookups.add(id);
      /** The learner named by the session's `session.json`, or null (missing, malformed, invalid). */
      const metaUser = async (): Promise<string | null> => {
        // The listing says whether the folder has one; a document naming another folder is read.
        const meta = rawId === pathId ? await folderMeta : await download(sessionBlobName(rawId));
        return meta?.status === "ok" ? documentUserId(meta.doc) : null;
      };
      // The owner comes first: a transcript stored for the learner, or a claimed session, needs no
      // session.json (so the owner is always the learner here, and nothing is refused before writing).
      const plan = placement(found, found.owner ?? await metaUser());
      if (plan.kind === "refuse") return run.failed(item, refusal(id));
      if (plan.kind === "skip") return run.skipped(item);
      if (dryRun) {
        if (await wouldBeErased(sql, [id], plan.userId)) {
          return run.skippedErased(item);
        }
        return plan.kind === "attach"
          ? run.skipped(`${item} (would attach to learner ${plan.userId})`)
          : run.wouldInsert(item);
      }
      const lines = transcriptLines(transcriptOf(doc));
      const result = await writes.add({
        kind: "transcript",
        row: { sessionId: id, userId: plan.userId, lines, json: doc },
      });
      // A concurrent run may have inserted it since the lookup: then this one skips, never updates.
      if (result.kind === "inserted") run.inserted(item);
      else if (result.kind === "attached") {
        run.skipped(`${item} (attached to learner ${result.userId})`);
      } else if (result.kind === "erased") run.skippedErased(item);
      else if (result.kind === "refused" || result.kind === "failed") {
        run.failed(item, result.error);
      } else run.skipped(item);
    } catch (error) {
      run.failed(`session ${id}`, error);
    }
  };

  // Blobs in progress: eight per download slot, so that while some wait for a database batch the
  // others keep every slot busy. Concurrency 1 stays one blob at a time, its log lines in listing
  // order.
  const inProgress = concurrency === 1 ? 1 : 8 * concurrency;
  await forEachBounded(listed(container, sql, options), inProgress, processBlob);
  recordBackfill(run.summary);
  return run.summary;
}
