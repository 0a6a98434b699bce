import assert from "node:assert/strict";
import { recordLearnerA, recordSession } from "../../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { rebuildReadiness } from "../write/recompute.ts";
import { skillAggregates } from "./aggregates.ts";
import { coachingData } from "./coaching.ts";
import { listSnapshots } from "./history.ts";
import { readinessAsBefore } from "./body_oracle.ts";
import { readinessBody } from "./readiness_body.ts";
import { sessionScores } from "./series.ts";
import { trendsData } from "./trends.ts";
import { readinessConfig, shipped } from "../../../tests/static_config.ts";

Deno.test("one-statement reads answer exactly what the separate queries did", async (t) => {
  const db = await createTestDatabase();
  const { sql } = db;
  try {
    const a = crypto.randomUUID();
    await recordLearnerA(sql, a);
    // Persistently low communication, recent sessions (day windows see them).
    const low = crypto.randomUUID();
    const now = new Date();
    for (const days of [9, 6, 4, 2, 1]) {
      await recordSession(sql, low, days, { communication: [35, 52], structure: [61] }, now);
    }
    // Microseconds in the stored times: the API shows milliseconds, truncated as Date does.
    await sql`update analytics.session_events set ts = ts + interval '999 microseconds'
              where user_id = ${low}`;
    await rebuildReadiness(sql, { config: readinessConfig, userIds: [a, low], trigger: "test" });
    // A learner without answers or snapshots.
    const empty = crypto.randomUUID();
    await sql`insert into analytics.learners (user_id) values (${empty})`;
    const learners = [a, low, empty];

    await t.step("readiness: latest, delta, history; unknown learner → null", async () => {
      for (const id of learners) {
        for (const limit of [1, 2, 3, 20]) {
          const body = await readinessBody(sql, id.toUpperCase(), limit);
          assert.ok(body !== null);
          assert.deepEqual(JSON.parse(body), await readinessAsBefore(sql, id, limit));
        }
      }
      const [{ n }] = await sql<{ n: number }[]>`
        select count(*)::int as n from analytics.user_readiness where user_id = ${low}`;
      assert.equal(n, 5);
      assert.equal(await readinessBody(sql, crypto.randomUUID(), 20), null);
    });

    await t.step("trends: points and aggregates of every window and skill", async () => {
      for (const id of learners) {
        for (const window of readinessConfig.windows) {
          for (const skillTag of [undefined, "communication", "probe"]) {
            assert.deepEqual(await trendsData(sql, id, window, { skillTag }), {
              points: await sessionScores(sql, id, window, { skillTag }),
              aggregates: await skillAggregates(sql, id, { skillTag }),
            });
          }
        }
      }
      assert.equal(await trendsData(sql, crypto.randomUUID(), readinessConfig.windows[0]), null);
    });

    await t.step(
      "coaching: the latest snapshot, low skills, guidance; unknown → null",
      async () => {
        for (const id of learners) {
          const coaching = await coachingData(sql, id, shipped);
          assert.deepEqual(coaching?.latest ?? null, (await listSnapshots(sql, id, 1))[0] ?? null);
        }
        const lowCoaching = await coachingData(sql, low, shipped);
        assert.deepEqual(lowCoaching?.persistently_low.map((s) => s.skill_tag), ["communication"]);
        assert.ok(lowCoaching?.why_changed);
        assert.equal(await coachingData(sql, crypto.randomUUID(), shipped), null);
      },
    );
  } finally {
    await db.close();
  }
});
