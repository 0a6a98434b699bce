/**
 * Transcript backfill rate: 2,000 legacy blobs (transcript.json + session.json each) in Azurite
 * backfilled into Postgres at concurrency 1 and 16, on the server when PULSE_TEST_DATABASE_URL is
 * set and on embedded PGlite. Baseline measured in the same run: a plain parallel download (16 at
 * once) of the same 4,000 blobs, listing included, parsing each, writing nothing. After a warm-up
 * (one download and one backfill, not counted), three rounds each measure the download and both
 * backfills; each round's ratios compare its own figures, and the medians are the result. The
 * order alternates between rounds (download first, then concurrency 1 first) so that a load that
 * drifts during a round does not always favour the same side.
 */
import { forEachBounded } from "../lib/async.ts";
import { backfillTranscripts } from "../lib/legacy/backfill.ts";
import { type ContainerClient, listBlobNames, readJsonBlob } from "../lib/legacy/blob.ts";
import { putBlob, startAzurite } from "../tests/azurite.ts";
import {
  type Bench,
  median,
  onEachDatabase,
  type TestDatabase,
  times,
  truncateAll,
} from "./helpers.ts";

const BLOBS = 2_000;
const DOWNLOAD_CONCURRENCY = 16;
const ROUNDS = 3;

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

/** Blobs/s of a backfill into the emptied database (every blob inserted, none failed). */
async function backfill(db: TestDatabase, container: ContainerClient, concurrency: number) {
  await truncateAll(db.sql);
  const t0 = performance.now();
  const summary = await backfillTranscripts(container, db.sql, { concurrency }, () => {});
  const seconds = (performance.now() - t0) / 1000;
  if (summary.inserted !== BLOBS || summary.failed !== 0) {
    throw new Error(`expected ${BLOBS} inserted, got ${JSON.stringify(summary)}`);
  }
  return BLOBS / seconds;
}

async function measure(db: TestDatabase, container: ContainerClient, label: string) {
  // Warm-up: the first download and the first backfill of a process run cold (JIT, connections).
  await plainDownload(container);
  await backfill(db, container, 16);
  const rounds: { plain: number; c1: number; c16: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = { plain: 0, c1: 0, c16: 0 };
    const plain = async () => (round.plain = await plainDownload(container));
    const c1 = async () => (round.c1 = await backfill(db, container, 1));
    const c16 = async () => (round.c16 = await backfill(db, container, 16));
    // Concurrency 16 sits between the other two; download and concurrency 1 swap sides.
    for (const step of r % 2 === 0 ? [plain, c16, c1] : [c1, c16, plain]) await step();
    rounds.push(round);
    console.log(
      `${label}: round ${r + 1}: plain download ${round.plain.toFixed(0)} blobs/s, backfill ` +
        `concurrency 1 ${round.c1.toFixed(0)} blobs/s, concurrency 16 ${
          round.c16.toFixed(0)
        } blobs/s → 16 vs 1 ${times(round.c16 / round.c1)}, 16 vs download ${
          times(round.c16 / round.plain)
        }`,
    );
  }
  const vsOne = rounds.map((r) => r.c16 / r.c1);
  const vsPlain = rounds.map((r) => r.c16 / r.plain);
  console.log(
    `${label}: ${
      BLOBS.toLocaleString("en")
    } sessions (transcript + session blobs), median of ${ROUNDS} rounds: plain download (${DOWNLOAD_CONCURRENCY} at once) ${
      median(rounds.map((r) => r.plain)).toFixed(0)
    } blobs/s; backfill concurrency 1 ${median(rounds.map((r) => r.c1)).toFixed(0)} blobs/s, ` +
      `concurrency 16 ${median(rounds.map((r) => r.c16)).toFixed(0)} blobs/s`,
  );
  console.log(
    `${label}: concurrency 16 vs 1: ${times(median(vsOne))} (rounds ${
      vsOne.map(times).join(", ")
    }); vs plain download: ${times(median(vsPlain))} (rounds ${vsPlain.map(times).join(", ")})`,
  );
}

export const backfillBench: Bench = {
  name: "backfill",
  summary: "2,000 legacy blobs in Azurite backfilled at concurrency 1 and 16 vs a plain download",
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
