import assert from "node:assert/strict";
import { computeUserReadiness } from "../../../lib/readiness/mod.ts";
import { startTestApp } from "../../../tests/harness.ts";
import {
  AS_OF,
  assertInvalid,
  assertLearnerReadAccess,
  daysBefore,
  recordLearnerA,
  recordSession,
} from "../../../tests/readiness_fixtures.ts";
import { catalog, readinessConfig } from "../../../tests/static_config.ts";

Deno.test("GET /api/users/:userId/skills/trends", async (step) => {
  const t = await startTestApp();
  const service = await t.token("service");
  try {
    const a = crypto.randomUUID();
    const sessions = await recordLearnerA(t.db.sql, a);
    await computeUserReadiness(t.db.sql, a, { config: readinessConfig, asOf: AS_OF });
    const path = `/api/users/${a}/skills/trends`;

    await step.step("communication over the last 5 sessions: points and aggregates", async () => {
      const res = await t.call("GET", `${path}?skill_tag=communication&window=last_5_sessions`, {
        token: service,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.window, { key: "last_5_sessions", kind: "sessions", size: 5 });
      assert.equal(res.body.skills.length, 1);
      const [comm] = res.body.skills;
      assert.equal(comm.label, "Communication");
      // S3–S7 (days before AS_OF 20, 12, 6, 3, 1); S5 had two answers: (75 + 85) / 2 = 80.
      assert.deepEqual(comm.points, [
        { session_id: sessions[2], ts: daysBefore(20).toISOString(), score: 70, answers: 1 },
        { session_id: sessions[3], ts: daysBefore(12).toISOString(), score: 65, answers: 1 },
        { session_id: sessions[4], ts: daysBefore(6).toISOString(), score: 80, answers: 2 },
        { session_id: sessions[5], ts: daysBefore(3).toISOString(), score: 90, answers: 1 },
        { session_id: sessions[6], ts: daysBefore(1).toISOString(), score: 80, answers: 1 },
      ]);
      // The stored aggregates of the skill, every window (numbers from aggregates_test).
      assert.deepEqual(
        comm.aggregates.map((
          r: { window_key: string; avg_score: number; sample_size: number },
        ) => [r.window_key, r.avg_score, r.sample_size]),
        [
          ["14d", 79, 5],
          ["30d", 71.88, 8],
          ["7d", 82.5, 4],
          ["last_10_sessions", 68.33, 9],
          ["last_5_sessions", 77.5, 6],
        ],
      );
    });

    await step.step("no skill_tag: every skill, default window last_10_sessions", async () => {
      const res = await t.call("GET", path, { token: service });
      assert.equal(res.status, 200);
      assert.equal(res.body.window.key, "last_10_sessions");
      assert.deepEqual(
        res.body.skills.map((s: { skill_tag: string }) => s.skill_tag),
        catalog.skillTags,
      );
      const points = Object.fromEntries(
        res.body.skills.map((s: { skill_tag: string; points: unknown[] }) => [
          s.skill_tag,
          s.points.length,
        ]),
      );
      assert.deepEqual(points, {
        communication: 7,
        technical_depth: 3,
        system_design: 1,
        probe: 2,
        structure: 3,
        behavioral_examples: 2,
      });
    });

    await step.step("a day window counts back from now", async () => {
      const b = crypto.randomUUID();
      const now = new Date();
      await recordSession(t.db.sql, b, 20, { structure: [30] }, now);
      const recent = await recordSession(t.db.sql, b, 2, { structure: [60, 70] }, now);
      const res = await t.call(
        "GET",
        `/api/users/${b}/skills/trends?skill_tag=structure&window=7d`,
        {
          token: service,
        },
      );
      assert.deepEqual(
        res.body.skills[0].points.map((p: { session_id: string; score: number }) => [
          p.session_id,
          p.score,
        ]),
        [[recent, 65]],
      );
      // No snapshot was computed for b: no stored aggregates yet, not an error.
      assert.deepEqual(res.body.skills[0].aggregates, []);
    });

    await step.step("access and bad params", async () => {
      await assertLearnerReadAccess(t, path, a);
      assertInvalid(
        await t.call("GET", `${path}?skill_tag=charisma`, { token: service }),
        /skill_tag/,
      );
      assertInvalid(await t.call("GET", `${path}?window=3d`, { token: service }), /window/);
      assertInvalid(
        await t.call("GET", `/api/users/nope/skills/trends`, { token: service }),
        /userId/,
      );
      const unknown = await t.call("GET", `/api/users/${crypto.randomUUID()}/skills/trends`, {
        token: service,
      });
      assert.equal(unknown.status, 404);
    });
  } finally {
    await t.close();
  }
});
