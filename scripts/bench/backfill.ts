/**
 * Transcript backfill rate: 2,000 legacy blobs (transcript.json + session.json each) in Azurite
 * backfilled into Postgres at concurrency 1 (the baseline) and 16, on the server when
 * PULSE_TEST_DATABASE_URL is set and on embedded PGlite. Reported as blobs/s and as the ratio
 * against concurrency 1 in the same run.
 */
import { type TestDatabase, truncateAll } from "../../lib/db/test_helpers.ts";
import { onEachDatabase } from "./_databases.ts";
import { backfillTranscripts, forEachBounded } from "../../lib/transcripts/backfill.ts";
import type { ContainerClient } from "../../lib/transcripts/blob.ts";
import { putBlob, startAzurite } from "../../tests/azurite.ts";
import type { Bench } from "./mod.ts";

const BLOBS = 2_000;
const CONCURRENCY = [1, 16];

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

async function measure(db: TestDatabase, container: ContainerClient, label: string) {
  const rates: Record<number, number> = {};
  for (const concurrency of CONCURRENCY) {
    await truncateAll(db.sql);
    const t0 = performance.now();
    const summary = await backfillTranscripts(container, db.sql, { concurrency }, () => {});
    const seconds = (performance.now() - t0) / 1000;
    if (summary.inserted !== BLOBS || summary.failed !== 0) {
      throw new Error(`expected ${BLOBS} inserted, got ${JSON.stringify(summary)}`);
    }
    rates[concurrency] = BLOBS / seconds;
    console.log(
      `${label}: ${BLOBS.toLocaleString("en")} blobs at concurrency ${concurrency} in ${
        seconds.toFixed(1)
      } s → ${rates[concurrency].toFixed(0)} blobs/s; ratio vs concurrency 1: ${
        (rates[concurrency] / rates[1]).toFixed(2)
      }×`,
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
