/**
 * Erasing a learner while a recompute run writes their rows: the erase and the run's writes follow
 * one another, the run completes for the other learners, and nothing of the erased learner is left.
 * Two transactions at once need two connections: the server.
 */
import assert from "node:assert/strict";
import { recordLearnerA } from "../../tests/readiness_fixtures.ts";
import { createTestDatabase, testServerUrl } from "../../tests/db.ts";
import type { Sql } from "../db/mod.ts";
import { refreshReadinessReads } from "../readiness/write/kept_reads.ts";
import { recomputeAllReadiness } from "../readiness/mod.ts";
import { lockLearners } from "../learners/lock.ts";
import { eraseLearner, learnerTables } from "./mod.ts";
import { gate, someoneWaitsForALock } from "../../tests/locks.ts";
import { readinessConfig } from "../../tests/static_config.ts";

/** Rows of the learner left in any analytics table. */
async function rowsLeft(sql: Sql, userId: string): Promise<number> {
  let n = 0;
  for (const t of await learnerTables(sql)) {
    const [{ count }] = await sql.unsafe<{ count: number }[]>(
      `select count(*)::int as count from ${t.qualified} where user_id = $1`,
      [userId],
    );
    n += count;
  }
  return n;
}

/** A test on a fresh server database (two transactions at once need two connections). */
function serverTest(name: string, fn: (sql: Sql) => Promise<void>) {
  Deno.test({
    name,
    ignore: !testServerUrl(),
    async fn() {
      const db = await createTestDatabase();
      try {
        await fn(db.sql);
      } finally {
        await db.close();
      }
    },
  });
}

serverTest(
  "an erase waits for a transaction writing the learner's kept rows, then deletes them",
  async (sql) => {
    const a = crypto.randomUUID();
    await recordLearnerA(sql, a);
    await recomputeAllReadiness(sql, { config: readinessConfig, userIds: [a], trigger: "test" });
    await sql`delete from analytics.readiness_reads where user_id = ${a}`;
    // A recompute run filling the learner's kept read, held open under the learner's lock.
    const locked = gate();
    const release = gate();
    const fill = sql.begin(async (tx) => {
      await lockLearners(tx, [a]);
      locked.open();
      await release.opened;
      await refreshReadinessReads(tx, [a]);
    });
    await locked.opened;
    let erased = false;
    const erase = eraseLearner(sql, a.toUpperCase()).then((counts) => {
      erased = true;
      return counts;
    });
    assert.ok(await someoneWaitsForALock(sql), "the erase waits for the learner's lock");
    assert.equal(erased, false);
    release.open();
    await fill;
    const counts = await erase;
    assert.equal(counts.readiness_reads, 1, "the erase deleted the body the fill wrote");
    assert.equal(await rowsLeft(sql, a), 0);
  },
);

serverTest(
  "a recompute run that meets an erase of one of its learners completes for the others",
  async (sql) => {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();
    await recordLearnerA(sql, a);
    await recordLearnerA(sql, b);
    // An erase of `a` that has deleted every row and not committed yet.
    const deleted = gate();
    const commit = gate();
    const erase = sql.begin(async (tx) => {
      await lockLearners(tx, [a]);
      for (const t of await learnerTables(tx)) {
        await tx.unsafe(`delete from ${t.qualified} where user_id = $1`, [a]);
      }
      deleted.open();
      await commit.opened;
    });
    await deleted.opened;
    // The run waits for the erase's lock on `a`, then finds `a` gone and skips it.
    const run = recomputeAllReadiness(sql, {
      config: readinessConfig,
      userIds: [a, b],
      trigger: "test",
    });
    assert.ok(await someoneWaitsForALock(sql), "the run waits for the erase");
    commit.open();
    await erase;
    const result = await run;
    assert.equal(result.learners, 2);
    assert.equal(await rowsLeft(sql, a), 0);
    const [{ snapshots }] = await sql<{ snapshots: number }[]>`
      select count(*)::int as snapshots from analytics.user_readiness where user_id = ${b}`;
    assert.equal(snapshots, 1);
  },
);
