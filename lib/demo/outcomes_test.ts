/** Demo outcomes follow the stated model, deterministically, and are written once. */
import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/db.ts";
import { demoOutcomePlan, demoPassProbability, seedDemoOutcomes } from "./outcomes.ts";

const NOW = new Date("2026-11-29T08:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

Deno.test("the stated model: P(pass) = logistic(−6 + 0.09 · readiness)", () => {
  // 40: logistic(−2.4) = 1 / (1 + e^2.4) = 0.0832; 70: logistic(0.3) = 0.5744;
  // 85: logistic(1.65) = 0.8389.
  assert.deepEqual(
    [40, 70, 85].map((r) => Math.round(demoPassProbability(r) * 1e4) / 1e4),
    [0.0832, 0.5744, 0.8389],
  );
});

Deno.test("the plan is the same on every call and lies in the past", () => {
  const user = "6f1d2c3b-4a59-4e7d-8c21-0a1b2c3d4e01";
  const plan = demoOutcomePlan(user, NOW);
  assert.deepEqual(demoOutcomePlan(user, NOW), plan);
  assert.ok(plan.length >= 1 && plan.length <= 3);
  for (const p of plan) {
    const at = Date.parse(p.occurred_at);
    assert.ok(at < NOW.getTime() && at > NOW.getTime() - 52 * DAY, p.occurred_at);
    assert.ok(p.draw >= 0 && p.draw < 1);
  }
});

Deno.test("seeded outcomes: passed exactly when the draw is below P(pass) as of the interview", async () => {
  const db = await createTestDatabase();
  try {
    const users = Array.from({ length: 6 }, () => crypto.randomUUID());
    // Readiness rises from 30 to 90 over the last 60 days, one snapshot every 10 days.
    for (const [i, user] of users.entries()) {
      await db.sql`insert into analytics.learners (user_id) values (${user})`;
      for (let k = 0; k <= 6; k++) {
        const ts = new Date(NOW.getTime() - (60 - 10 * k) * DAY + i * 1000);
        await db.sql`
          insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
          values (${user}, ${ts}, ${30 + 10 * k}, 'x', ${
          db.sql.json({ sufficient_evidence: true })
        })`;
      }
    }
    const written = await seedDemoOutcomes(db.sql, users, { now: NOW });
    const rows = await db.sql<{ user_id: string; outcome_id: string; result: string }[]>`
      select user_id::text, outcome_id, result from analytics.interview_outcomes`;
    assert.equal(rows.length, written);
    const planned = users.reduce((n, u) => n + demoOutcomePlan(u, NOW).length, 0);
    assert.equal(written, planned, "every interview has a snapshot before it");
    for (const [i, user] of users.entries()) {
      for (const p of demoOutcomePlan(user, NOW)) {
        // The snapshot as of the interview: the last k with NOW − (60 − 10k) days + i s ≤ it.
        const at = Date.parse(p.occurred_at);
        let readiness = 0;
        for (let k = 0; k <= 6; k++) {
          if (NOW.getTime() - (60 - 10 * k) * DAY + i * 1000 <= at) readiness = 30 + 10 * k;
        }
        const row = rows.find((r) => r.user_id === user && r.outcome_id === p.outcome_id)!;
        assert.equal(
          row.result,
          p.draw < demoPassProbability(readiness) ? "passed" : "failed",
          `${user} ${p.outcome_id}`,
        );
      }
    }
    // Seeding again (even at another time) writes nothing.
    assert.equal(await seedDemoOutcomes(db.sql, users, { now: new Date(NOW.getTime() + DAY) }), 0);
  } finally {
    await db.close();
  }
});
