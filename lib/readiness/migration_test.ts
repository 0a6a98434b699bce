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
    const [progress] = await sql<{ n: number; at50: Date; at51: Date }[]>`
      select cardinality(reached_at) as n, reached_at[51] as at50, reached_at[52] as at51
      from analytics.readiness_progress where user_id = ${u}`;
    // 0..55, first reached at 50 (1 Nov) then 55 (3 Nov).
    assert.equal(progress.n, 56);
    assert.equal(progress.at50.toISOString(), "2026-11-01T10:00:00.000Z");
    assert.equal(progress.at51.toISOString(), "2026-11-03T10:00:00.000Z");

    while ((await applied()).includes(VERSION)) {
      await runDbmate(db.url, ["rollback"], { quiet: true });
    }
    assert.deepEqual(await sql`select * from analytics.user_readiness order by id`, before);
    await migrateUp(db.url, { quiet: true });
  } finally {
    await db.close();
  }
});

Deno.test("reached-at migration: crossings move into the progress row and back, unchanged", async () => {
  const db = await createTestDatabase();
  const { sql } = db;
  try {
    const u = crypto.randomUUID();
    await sql`insert into analytics.learners (user_id) values (${u})`;
    await sql`insert into analytics.readiness_progress (user_id, first_ts, last_ts, reached_at)
      values (${u}, '2026-11-01T10:00:00Z', '2026-11-04T10:00:00Z',
              array_fill('2026-11-01T10:00:00Z'::timestamptz, array[3])
                || array['2026-11-03T10:00:00Z'::timestamptz, '2026-11-04T10:00:00Z'])`;
    const progress = () =>
      sql`select user_id, first_ts, last_ts, reached_at from analytics.readiness_progress`;
    const before = await progress();
    const applied = async () =>
      (await sql<{ v: string }[]>`select version as v from public.schema_migrations`).map((r) =>
        r.v
      );
    while ((await applied()).includes("20261125000300")) {
      await runDbmate(db.url, ["rollback"], { quiet: true });
    }
    const crossings = await sql<{ threshold: number; reached_at: Date }[]>`
      select threshold, reached_at from analytics.readiness_crossings
      where user_id = ${u} order by threshold`;
    assert.deepEqual(crossings.map((c) => [c.threshold, c.reached_at.toISOString()]), [
      [0, "2026-11-01T10:00:00.000Z"],
      [1, "2026-11-01T10:00:00.000Z"],
      [2, "2026-11-01T10:00:00.000Z"],
      [3, "2026-11-03T10:00:00.000Z"],
      [4, "2026-11-04T10:00:00.000Z"],
    ]);
    await migrateUp(db.url, { quiet: true });
    assert.deepEqual(await progress(), before);
    // An array with a hole would misstate when a point was reached: refused.
    await assert.rejects(
      sql`update analytics.readiness_progress set reached_at[7] = now() where user_id = ${u}`,
      /readiness_progress_reached_at_check/,
    );
  } finally {
    await db.close();
  }
});
