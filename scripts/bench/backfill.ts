/**
 * Transcript backfill rate: 2,000 legacy blobs (transcript.json + session.json each) in Azurite
 * backfilled into Postgres at concurrency 1 and 16, on the server when PULSE_TEST_DATABASE_URL is
 * set and on embedded PGlite. Baseline measured in the same run: a plain parallel download (16 at
 * once) of the same blobs, listing included, writing nothing (before and after the backfills). Reported as blobs/s and as ratios of
 * concurrency 16 against concurrency 1 and against the plain download.
 */
import { type TestDatabase, truncateAll } from "../../lib/db/test_helpers.ts";
import { onEachDatabase } from "./_databases.ts";
import { backfillTranscripts, forEachBounded } from "../../lib/transcripts/backfill.ts";
import { type ContainerClient, listBlobNames, readJsonBlob } from "../../lib/transcripts/blob.ts";
import { putBlob, startAzurite } from "../../tests/azurite.ts";
import type { Bench } from "./mod.ts";

const BLOBS = 2_000;
const CONCURRENCY = [1, 16];
const DOWNLOAD_CONCURRENCY = 16;

async function* range(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

async function seed(container: ContainerClient): Promise<void> {
  await forEachBounded(range(BLOBS), 32, async (i) => {
    const sessionId = crypto.randomUUID();
    const transcript = Array.from(
      { length: 40 },
      (_, k) => `${k % 2 ? "Learner" : "Coach"}: line ${k} of session ${i} ${"words ".repeat(8)}`,
    );
    await putBlob(container, `sessions/${sessionId}/transcript.json`, {
      session_id: sessionId,
      transcript,
    });
    await putBlob(container, `sessions/${sessionId}/session.json`, {
      user_id: crypto.randomUUID(),
    });
  });
}

/** Blobs/s of listing and downloading every blob under sessions/ (both files of each session). */
async function plainDownload(container: ContainerClient): Promise<number> {
  const t0 = performance.now();
  let files = 0;
  await forEachBounded(
    listBlobNames(container, "sessions/"),
    DOWNLOAD_CONCURRENCY,
    async (name) => {
      const blob = await readJsonBlob(container, name);
      if (blob.status !== "ok") throw new Error(`${name}: ${blob.status}`);
      files++;
    },
  );
  if (files !== 2 * BLOBS) throw new Error(`expected ${2 * BLOBS} files, downloaded ${files}`);
  return BLOBS / ((performance.now() - t0) / 1000);
}

async function measure(db: TestDatabase, container: ContainerClient, label: string) {
  const rates: Record<number, number> = {};
  // The plain download is measured before and after the backfills and averaged: on a shared
  // machine the load drifts during a run, and both ends bracket it.
  const before = await plainDownload(container);
  for (const concurrency of CONCURRENCY) {
    await truncateAll(db.sql);
    const t0 = performance.now();
    const summary = await backfillTranscripts(container, db.sql, { concurrency }, () => {});
    const seconds = (performance.now() - t0) / 1000;
    if (summary.inserted !== BLOBS || summary.failed !== 0) {
      throw new Error(`expected ${BLOBS} inserted, got ${JSON.stringify(summary)}`);
    }
    rates[concurrency] = BLOBS / seconds;
  }
  const after = await plainDownload(container);
  const download = (before + after) / 2;
  console.log(
    `${label}: plain download of the same ${
      BLOBS.toLocaleString("en")
    } transcript + session blobs, ${DOWNLOAD_CONCURRENCY} at once → ${
      before.toFixed(0)
    } blobs/s before, ${after.toFixed(0)} after the backfills (mean ${download.toFixed(0)})`,
  );
  for (const concurrency of CONCURRENCY) {
    console.log(
      `${label}: ${BLOBS.toLocaleString("en")} blobs at concurrency ${concurrency} → ${
        rates[concurrency].toFixed(0)
      } blobs/s; ratio vs concurrency 1: ${
        (rates[concurrency] / rates[1]).toFixed(2)
      }×, vs plain download: ${(rates[concurrency] / download).toFixed(2)}×`,
    );
  }
}

export const backfillBench: Bench = {
  name: "backfill",
  async run() {
    const azurite = await startAzurite();
    try {
      const container = await azurite.container("bench-sessions");
      const t0 = performance.now();
      await seed(container);
      console.log(
        `seeded ${BLOBS} transcript + session blobs in ${
          ((performance.now() - t0) / 1000).toFixed(1)
        } s`,
      );
      await onEachDatabase((db, label) => measure(db, container, label));
    } finally {
      await azurite.stop();
    }
  },
};
