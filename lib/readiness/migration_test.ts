import assert from "node:assert/strict";
import { migrateUp, runDbmate } from "../db/migrate.ts";
import { createTestDatabase } from "../../tests/db.ts";
import { refreshProgress } from "./write/progress.ts";

const VERSION = "20261125000100";

Deno.test("event-time migration: sets aside duplicate snapshots, and gives them back on the way down", async () => {
  const db = await createTestDatabase();
  const { sql } = db;
  try {
    const applied = async () =>
      (await sql<{ v: string }[]>`select version as v from public.schema_migrations`).map((r) =>
        r.v
      );
    // Down to just before this migration (later migrations first).
    while ((await applied()).includes(VERSION)) {
      await runDbmate(db.url, ["rollback"], { quiet: true });
    }
    const u = crypto.randomUUID();
    await sql`insert into analytics.learners (user_id) values (${u})`;
    const snap = (ts: string, overall: number, evidence: number) =>
      sql`insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
          values (${u}, ${ts}, ${overall}, 'Developing',
                  ${sql.json({ formula_version: "v1", evidence: { answers: evidence } })})`;
    await snap("2026-11-01T10:00:00Z", 50, 5);
    await snap("2026-11-01T10:00:00Z", 50, 5); // concurrent duplicate
    await snap("2026-11-02T10:00:00Z", 50, 5); // flat recompute point: nothing changed
    await snap("2026-11-03T10:00:00Z", 55, 7);
    const before = await sql`select * from analytics.user_readiness order by id`;

    await migrateUp(db.url, { quiet: true });
    const kept = await sql<{ ts: Date; overall: number }[]>`
      select ts, readiness_overall as overall from analytics.user_readiness
      where user_id = ${u} order by ts`;
    assert.deepEqual(kept.map((k) => [k.ts.toISOString(), k.overall]), [
      ["2026-11-01T10:00:00.000Z", 50],
      ["2026-11-03T10:00:00.000Z", 55],
    ]);
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from analytics.user_readiness_superseded`;
    assert.equal(n, 2);
    // Cohort progress was built from the kept snapshots: new bests 50 (1 Nov) then 55 (3 Nov).
    const [progress] = await sql<{ best_at: Date[]; best_hundredths: number[] }[]>`
      select best_at, best_hundredths from analytics.readiness_progress where user_id = ${u}`;
    assert.deepEqual(progress.best_hundredths, [5000, 5500]);
    assert.deepEqual(progress.best_at.map((d) => d.toISOString()), [
      "2026-11-01T10:00:00.000Z",
      "2026-11-03T10:00:00.000Z",
    ]);

    while ((await applied()).includes(VERSION)) {
      await runDbmate(db.url, ["rollback"], { quiet: true });
    }
    assert.deepEqual(await sql`select * from analytics.user_readiness order by id`, before);
    await migrateUp(db.url, { quiet: true });
  } finally {
    await db.close();
  }
});

Deno.test("progress migrations: crossings, whole points reached and new bests, there and back", async () => {
  const db = await createTestDatabase();
  const { sql } = db;
  try {
    const u = crypto.randomUUID();
    await sql`insert into analytics.learners (user_id) values (${u})`;
    // Overall 2.00 (1 Nov: points 0, 1, 2), 1.50 (2 Nov: no new best), 3.40 (3 Nov: 3),
    // 4.00 (4 Nov: 4).
    for (const [ts, overall] of [["01", 2], ["02", 1.5], ["03", 3.4], ["04", 4]] as const) {
      await sql`insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
        values (${u}, ${`2026-11-${ts}T10:00:00Z`}, ${overall}, 'Not Ready',
                '{"sufficient_evidence": true}')`;
    }
    await refreshProgress(sql, [u]);
    const progress = () =>
      sql`select user_id, first_ts, last_ts, best_at, best_hundredths
          from analytics.readiness_progress`;
    const before = await progress();
    assert.deepEqual(before[0].best_hundredths, [200, 340, 400]);
    const applied = async () =>
      (await sql<{ v: string }[]>`select version as v from public.schema_migrations`).map((r) =>
        r.v
      );
    const rollbackTo = async (version: string) => {
      while ((await applied()).includes(version)) {
        await runDbmate(db.url, ["rollback"], { quiet: true });
      }
    };
    const nov = (days: string[]) => days.map((d) => `2026-11-${d}T10:00:00.000Z`);

    // Down one step: the whole points reached, from the new bests.
    await rollbackTo("20261126000200");
    const [whole] = await sql<{ reached_at: Date[] }[]>`
      select reached_at from analytics.readiness_progress where user_id = ${u}`;
    assert.deepEqual(
      whole.reached_at.map((d) => d.toISOString()),
      nov(["01", "01", "01", "03", "04"]),
    );

    // Further down: one row per learner and whole point.
    await rollbackTo("20261125000300");
    const crossings = await sql<{ threshold: number; reached_at: Date }[]>`
      select threshold, reached_at from analytics.readiness_crossings
      where user_id = ${u} order by threshold`;
    assert.deepEqual(
      crossings.map((c) => [c.threshold, c.reached_at.toISOString()]),
      [0, 1, 2, 3, 4].map((k, i) => [k, nov(["01", "01", "01", "03", "04"])[i]]),
    );

    // Up again: the same progress row.
    await migrateUp(db.url, { quiet: true });
    assert.deepEqual(await progress(), before);
    // Bests and their times must pair up: refused otherwise.
    await assert.rejects(
      sql`update analytics.readiness_progress set best_hundredths = best_hundredths || 500
          where user_id = ${u}`,
      /readiness_progress_bests_check/,
    );
  } finally {
    await db.close();
  }
});
