import assert from "node:assert/strict";
import { startTestApp } from "../../tests/harness.ts";

Deno.test("learner profiles", async (step) => {
  const t = await startTestApp();
  const service = await t.token("service");
  try {
    await step.step("PUT creates (201), then updates only the given fields (200)", async () => {
      const user = crypto.randomUUID();
      const created = await t.call("PUT", `/api/learners/${user}`, {
        token: service,
        body: { level: "senior", track: "backend", cohort: "2026-q4" },
      });
      assert.equal(created.status, 201);
      assert.deepEqual([created.body.level, created.body.track, created.body.cohort], [
        "senior",
        "backend",
        "2026-q4",
      ]);
      const updated = await t.call("PUT", `/api/learners/${user}`, {
        token: service,
        body: { level: "staff" },
      });
      assert.equal(updated.status, 200);
      const [row] = await t.db
        .sql`select level, track, cohort from analytics.learners where user_id = ${user}`;
      assert.deepEqual({ ...row }, { level: "staff", track: "backend", cohort: "2026-q4" });
      await t.call("PUT", `/api/learners/${user}`, {
        token: await t.token("admin"),
        body: { cohort: null },
      });
      const [after] = await t.db.sql`select cohort from analytics.learners where user_id = ${user}`;
      assert.equal(after.cohort, null);
    });

    await step.step("bad input → 400, auth → 401/403", async () => {
      const user = crypto.randomUUID();
      const bad = await t.call("PUT", `/api/learners/${user}`, {
        token: service,
        body: { level: "wizard" },
      });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body.error.issues), /level/);
      assert.equal(
        (await t.call("PUT", `/api/learners/nope`, { token: service, body: {} })).status,
        400,
      );
      assert.equal((await t.call("PUT", `/api/learners/${user}`, { body: {} })).status, 401);
      const learner = await t.token("learner", user);
      assert.equal(
        (await t.call("PUT", `/api/learners/${user}`, { token: learner, body: {} })).status,
        403,
      );
      const [{ n }] = await t.db
        .sql`select count(*)::int as n from analytics.learners where user_id = ${user}`;
      assert.equal(n, 0);
    });
    await step.step("GET: the profile for its learner and staff; 403 for others; 404", async () => {
      const user = crypto.randomUUID();
      await t.call("PUT", `/api/learners/${user}`, { token: service, body: { level: "mid" } });
      for (const token of [await t.token("learner", user), await t.token("coach"), service]) {
        const res = await t.call("GET", `/api/learners/${user}`, { token });
        assert.equal(res.status, 200);
        assert.deepEqual([res.body.user_id, res.body.level, res.body.track], [user, "mid", null]);
      }
      const other = await t.call("GET", `/api/learners/${user}`, {
        token: await t.token("learner"),
      });
      assert.equal(other.status, 403);
      const missing = await t.call("GET", `/api/learners/${crypto.randomUUID()}`, {
        token: service,
      });
      assert.equal(missing.status, 404);
      assert.equal((await t.call("GET", `/api/learners/${user}`)).status, 401);
      assert.equal((await t.call("GET", "/api/learners/nope", { token: service })).status, 400);
    });
  } finally {
    await t.close();
  }
});
