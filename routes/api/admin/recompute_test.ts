import assert from "node:assert/strict";
import { listSnapshots } from "../../../lib/readiness/mod.ts";
import { startTestApp } from "../../../tests/harness.ts";
import { assertInvalid, recordLearnerA, recordSession } from "../../../tests/readiness_fixtures.ts";

const PATH = "/api/admin/recompute-readiness";

Deno.test("POST /api/admin/recompute-readiness", async (step) => {
  const t = await startTestApp();
  const admin = await t.token("admin");
  try {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();
    await recordLearnerA(t.db.sql, a);
    await recordSession(t.db.sql, b, 1, { communication: [70, 80], structure: [60] });
    await recordSession(t.db.sql, b, 3, { communication: [90], structure: [70] });

    await step.step("one learner: a new snapshot, returned with its delta", async () => {
      const res = await t.call("POST", PATH, { token: admin, body: { user_id: b } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      // communication (70 + 80 + 90) / 3 = 80, structure 65; (0.3 · 80 + 0.2 · 65) / 0.5 = 74
      assert.equal(res.body.snapshot.overall, 74);
      assert.equal(res.body.snapshot.band, "Nearly Ready");
      assert.equal(res.body.snapshot.delta, null);
      assert.equal(res.body.snapshot.meta.trigger, "admin");
      assert.equal(res.body.learners, 1);
      const [stored] = await listSnapshots(t.db.sql, b, 1);
      assert.equal(stored.id, res.body.snapshot.id);
    });

    await step.step("no user_id: every learner with answers; an empty body works too", async () => {
      const res = await t.call("POST", PATH, { token: admin, body: {} });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.learners, 2);
      assert.equal(res.body.snapshots, 2);
      assert.equal(typeof res.body.duration_ms, "number");
      assert.equal(res.body.snapshot, undefined);
      assert.deepEqual((await listSnapshots(t.db.sql, b, 5)).map((s) => s.overall), [74, 74]);
      const bare = await t.call("POST", PATH, { token: admin });
      assert.equal(bare.status, 200, JSON.stringify(bare.body));
      assert.equal(bare.body.learners, 2);
      const none = await t.call("POST", PATH, {
        token: admin,
        body: { active_since: "2999-01-01T00:00:00Z" },
      });
      assert.equal(none.body.learners, 0);
    });

    await step.step("unknown learner → 404; bad body → 400, nothing written", async () => {
      const before = (await listSnapshots(t.db.sql, a, 100)).length;
      const unknown = await t.call("POST", PATH, {
        token: admin,
        body: { user_id: crypto.randomUUID() },
      });
      assert.equal(unknown.status, 404);
      for (
        const [name, body, pattern] of [
          ["bad uuid", { user_id: "someone" }, /user_id/],
          ["extra field", { user_id: a, force: true }, /force|Unrecognized/],
          ["bad date", { active_since: "yesterday" }, /active_since/],
          ["both", { user_id: a, active_since: "2026-01-01T00:00:00Z" }, /not both/],
        ] as const
      ) {
        assertInvalid(await t.call("POST", PATH, { token: admin, body }), pattern, name);
      }
      const malformed = await t.call("POST", PATH, { token: admin, rawBody: "{oops" });
      assert.equal(malformed.status, 400);
      assert.equal((await listSnapshots(t.db.sql, a, 100)).length, before);
    });

    await step.step("admin only: 401 without a token, 403 for the other roles", async () => {
      const body = { user_id: a };
      assert.equal((await t.call("POST", PATH, { body })).status, 401);
      for (const role of ["learner", "coach", "service"] as const) {
        const res = await t.call("POST", PATH, { body, token: await t.token(role, a) });
        assert.equal(res.status, 403, role);
      }
    });
  } finally {
    await t.close();
  }
});
