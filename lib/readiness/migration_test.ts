import assert from "node:assert/strict";
import { migrateUp, runDbmate } from "../db/migrate.ts";
import { createTestDatabase } from "../db/test_helpers.ts";

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
    // Cohort progress was built from the kept snapshots.
    const [crossings] = await sql<{ n: number; top: number }[]>`
      select count(*)::int as n, max(threshold)::int as top from analytics.readiness_crossings
      where user_id = ${u}`;
    assert.deepEqual(crossings, { n: 56, top: 55 }); // 0..55, first reached at 50 then 55

    while ((await applied()).includes(VERSION)) {
      await runDbmate(db.url, ["rollback"], { quiet: true });
    }
    assert.deepEqual(await sql`select * from analytics.user_readiness order by id`, before);
    await migrateUp(db.url, { quiet: true });
  } finally {
    await db.close();
  }
});
