import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/db.ts";
import { DEMO_LEARNERS } from "./people.ts";
import { demoHistory, seedDemo } from "./seed.ts";

Deno.test("demo history is the same on every call, whatever the time", () => {
  const a = demoHistory(DEMO_LEARNERS[0], 0, new Date("2026-11-23T10:00:00Z"));
  const b = demoHistory(DEMO_LEARNERS[0], 0, new Date("2026-12-01T17:30:00Z"));
  const keys = (h: typeof a) =>
    h.map((s) => [s.sessionId, s.answers.map((x) => Object.keys(x.scores))]);
  assert.deepEqual(keys(a), keys(b));
  assert.equal(a.length, DEMO_LEARNERS[0].sessions);
  assert.notEqual(a[0].answers[0].ts, b[0].answers[0].ts);
});

Deno.test("seeding writes histories and snapshots once; seeding again adds nothing", async () => {
  const db = await createTestDatabase();
  try {
    const first = await seedDemo(db.sql, { now: new Date("2026-11-23T10:00:00Z") });
    const sessions = DEMO_LEARNERS.reduce((n, l) => n + l.sessions, 0);
    assert.deepEqual({ ...first, eventsInserted: first.eventsInserted > 0 }, {
      learners: DEMO_LEARNERS.length,
      sessions,
      eventsInserted: true,
      snapshots: sessions,
    });
    const again = await seedDemo(db.sql, { now: new Date("2026-11-24T10:00:00Z") });
    assert.equal(again.eventsInserted, 0);
    assert.equal(again.snapshots, 0);
    const [{ n }] = await db.sql`select count(*)::int as n from analytics.session_events`;
    assert.equal(n, first.eventsInserted);
    // Snapshots are spread over the history, each as of its session.
    const [span] = await db.sql`
      select min(ts) as first, max(ts) as last from analytics.user_readiness`;
    assert.ok(span.last.getTime() - span.first.getTime() > 70 * 24 * 3600 * 1000);
  } finally {
    await db.close();
  }
});
