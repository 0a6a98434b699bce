import assert from "node:assert/strict";
import { AS_OF, daysBefore, recordSession } from "../../../tests/readiness_fixtures.ts";
import { createClient } from "../../db/client.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { completeSession, completionSchema } from "../../sessions/complete.ts";
import { skillAggregates } from "../read/aggregates.ts";
import { listSnapshots } from "../read/history.ts";
import { refreshSkillAggregates } from "./aggregates.ts";
import { computeUserReadiness } from "./snapshots.ts";
import { readinessConfig } from "../../../tests/static_config.ts";

const completion = (userId: string, completedAt?: string) =>
  completionSchema.parse({
    user_id: userId,
    ...(completedAt ? { completed_at: completedAt } : {}),
    transcript: ["Q: hello", "A: hi"],
    scorecard: { bce_score: 70 },
  });

Deno.test("readiness event time", async (step) => {
  const db = await createTestDatabase();
  try {
    await step.step("a completion dates the snapshot at completed_at", async () => {
      const u = crypto.randomUUID();
      const s1 = await recordSession(db.sql, u, 10, { communication: [60, 70] });
      const s2 = await recordSession(db.sql, u, 7, { communication: [80], structure: [75] });
      const s3 = await recordSession(db.sql, u, 4, { communication: [90], structure: [85] });
      const at = (days: number) => new Date(daysBefore(days).getTime() + 3_600_000).toISOString();
      const r1 = await completeSession(db.sql, s1, completion(u, at(10)), readinessConfig);
      const r2 = await completeSession(db.sql, s2, completion(u, at(7)), readinessConfig);
      const r3 = await completeSession(db.sql, s3, completion(u, at(4)), readinessConfig);
      assert.deepEqual([r1, r2, r3].map((r) => r.readiness.ts), [at(10), at(7), at(4)]);
      // Each as of its moment: the first session alone, then two, then three.
      assert.equal(r1.readiness.components.communication, 65);
      assert.equal(r2.readiness.components.communication, 70); // (60 + 70 + 80) / 3
      assert.equal(r3.readiness.components.communication, 75);
      assert.equal(r3.readiness.delta, r3.readiness.overall! - r2.readiness.overall!);
      assert.deepEqual(
        (await listSnapshots(db.sql, u, 10)).map((s) => s.ts),
        [at(4), at(7), at(10)],
      );
      // A late completion of an older session is as of that session, not of now.
      const old = await recordSession(db.sql, u, 20, { communication: [10] });
      const late = await completeSession(db.sql, old, completion(u), readinessConfig);
      // No completed_at given: the session's last answer dates it.
      assert.equal(late.completed_at, daysBefore(20).toISOString());
      assert.equal(late.readiness.ts, daysBefore(20).toISOString());
      assert.equal(late.readiness.components.communication, 10);
    });

    await step.step("an exact overall of 69.995 is stored as 70.00 Nearly Ready", async () => {
      const u = crypto.randomUUID();
      await recordSession(db.sql, u, 3, { communication: [69.99, 70, 69.99] });
      await recordSession(db.sql, u, 2, { communication: [70, 69.99, 70] });
      const r = await computeUserReadiness(db.sql, u, { config: readinessConfig });
      assert.equal(r.overall, 70);
      assert.equal(r.components.communication, 70);
      assert.equal(r.band, "Nearly Ready");
      assert.equal(r.meta.exact?.overall, "69.995");
      const [row] = await db.sql<{ overall: string }[]>`
        select readiness_overall::text as overall from analytics.user_readiness where id = ${r.id}`;
      assert.equal(row.overall, "70.00");
    });

    await step.step("five parallel completions of one session: one snapshot", async () => {
      const u = crypto.randomUUID();
      await recordSession(db.sql, u, 3, { communication: [60, 70], structure: [80] });
      const s = await recordSession(db.sql, u, 2, { communication: [75], structure: [85] });
      const results = await Promise.all(
        Array.from({ length: 5 }, () => completeSession(db.sql, s, completion(u), readinessConfig)),
      );
      const [{ n }] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from analytics.user_readiness where user_id = ${u}`;
      assert.equal(n, 1);
      assert.equal(new Set(results.map((r) => r.readiness.id)).size, 1);
      assert.equal(results.filter((r) => !r.replayed).length, 1);
    });

    await step.step("day windows are N × 24 h whatever the database TimeZone", async () => {
      const u = crypto.randomUUID();
      // 30 × 24 h before AS_OF (20 Nov 12:00Z) is 21 Oct 12:00Z; New York left summer time on
      // 1 Nov, so "30 days" in New York time would reach back to 21 Oct 11:00Z.
      const inside = new Date("2026-10-21T12:30:00Z");
      const outside = new Date("2026-10-21T11:30:00Z");
      for (const [ts, score] of [[outside, 10], [inside, 90]] as const) {
        await recordSession(db.sql, u, (AS_OF.getTime() - ts.getTime()) / 86_400_000, {
          communication: [score],
        });
      }
      const name = new URL(db.url).pathname.slice(1);
      if (db.kind === "server") {
        await db.sql.unsafe(`alter database "${name}" set timezone to 'America/New_York'`);
      }
      const ny = createClient(db.url, { max: 1 });
      try {
        await ny`set timezone to 'America/New_York'`;
        const [{ tz }] = await ny<{ tz: string }[]>`select current_setting('TimeZone') as tz`;
        assert.equal(tz, "America/New_York");
        await refreshSkillAggregates(ny, [u], { config: readinessConfig, asOf: AS_OF });
        const [thirty] = await skillAggregates(ny, u, { windowKey: "30d" });
        assert.equal(thirty.sample_size, 1);
        assert.equal(thirty.avg_score, 90);
        // The readiness window as of a moment uses the same rule.
        const [seven] = await skillAggregates(ny, u, { windowKey: "7d" });
        assert.equal(seven, undefined);
      } finally {
        await ny.end();
      }
    });
  } finally {
    await db.close();
  }
});
