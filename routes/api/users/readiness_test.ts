import assert from "node:assert/strict";
import { computeUserReadiness } from "../../../lib/readiness/mod.ts";
import { startTestApp } from "../../../tests/harness.ts";
import {
  assertInvalid,
  assertLearnerReadAccess,
  daysBefore,
  recordLearnerA,
  recordSession,
} from "../../../tests/readiness_fixtures.ts";
import { readinessConfig } from "../../../tests/static_config.ts";

Deno.test("GET /api/users/:userId/readiness", async (step) => {
  const t = await startTestApp();
  const coach = await t.token("coach");
  try {
    const a = crypto.randomUUID();
    await recordLearnerA(t.db.sql, a);
    const path = `/api/users/${a}/readiness`;

    await step.step("a learner without snapshots: empty history, not an error", async () => {
      const res = await t.call("GET", path, { token: coach });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { user_id: a, latest: null, delta: null, history: [] });
    });

    await step.step("latest, band, delta and history newest first", async () => {
      // Each as of the learner's latest evidence at the time.
      await computeUserReadiness(t.db.sql, a, { config: readinessConfig, trigger: "test" });
      await recordSession(t.db.sql, a, 0.5, { communication: [95], structure: [80] });
      await computeUserReadiness(t.db.sql, a, { config: readinessConfig, trigger: "test" });
      const res = await t.call("GET", path, { token: await t.token("learner", a) });
      assert.equal(res.status, 200);
      // Worked out in lib/readiness/write/snapshots_test.ts: 65.75, then 68.5 after the 8th session.
      assert.equal(res.body.latest.overall, 68.5);
      assert.deepEqual(res.body.latest.components, {
        technical: 68.33,
        communication: 81.67,
        structure: 57.5,
        behavioral: 60,
      });
      assert.equal(res.body.latest.band, "Developing");
      // Dated by the evidence: the new session's last answer, a minute after its first.
      assert.equal(res.body.latest.ts, new Date(daysBefore(0.5).getTime() + 60_000).toISOString());
      assert.equal(res.body.latest.meta.window, "last_5_sessions");
      assert.equal(res.body.latest.formula_version, res.body.latest.meta.formula_version);
      assert.equal(res.body.delta, 2.75);
      assert.deepEqual(res.body.history.map((h: { overall: number }) => h.overall), [68.5, 65.75]);
      assert.equal(res.body.history[0].meta, undefined);

      const one = await t.call("GET", `${path}?limit=1`, { token: coach });
      assert.equal(one.body.history.length, 1);
      assert.equal(one.body.delta, 2.75);
    });

    await step.step("access: own data for learners, anyone for coach/admin/service", async () => {
      await assertLearnerReadAccess(t, path, a);
    });

    await step.step("unknown learner → 404; bad params → 400", async () => {
      const unknown = await t.call("GET", `/api/users/${crypto.randomUUID()}/readiness`, {
        token: coach,
      });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, "not_found");
      for (
        const [query, pattern] of [
          ["limit=0", /limit/],
          ["limit=abc", /limit/],
          ["limit=501", /limit/],
          ["limit=2.5", /limit/],
        ] as const
      ) {
        assertInvalid(await t.call("GET", `${path}?${query}`, { token: coach }), pattern, query);
      }
      assertInvalid(
        await t.call("GET", `/api/users/not-a-uuid/readiness`, { token: coach }),
        /userId/,
      );
    });

    await step.step("every readiness route is described in /api/openapi.json", async () => {
      const doc = await t.call("GET", "/api/openapi.json");
      assert.equal(doc.status, 200);
      for (
        const [path, method] of [
          ["/api/users/{userId}/readiness", "get"],
          ["/api/users/{userId}/skills/trends", "get"],
          ["/api/users/{userId}/coaching", "get"],
          ["/api/admin/recompute-readiness", "post"],
          ["/api/cohorts/time-to-readiness", "get"],
        ]
      ) {
        assert.ok(doc.body.paths[path]?.[method], `${method} ${path}`);
      }
      const params = doc.body.paths["/api/cohorts/time-to-readiness"].get.parameters
        .map((p: { name: string }) => p.name);
      assert.deepEqual(params, ["from", "to", "level"]);
    });
  } finally {
    await t.close();
  }
});
