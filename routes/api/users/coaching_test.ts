import assert from "node:assert/strict";
import { computeUserReadiness } from "../../../lib/readiness/mod.ts";
import { startTestApp } from "../../../tests/harness.ts";
import {
  AS_OF,
  assertInvalid,
  assertLearnerReadAccess,
  recordLearnerA,
  recordSession,
} from "../../../tests/readiness_fixtures.ts";
import { readinessConfig } from "../../../tests/static_config.ts";

Deno.test("GET /api/users/:userId/coaching", async (step) => {
  const t = await startTestApp();
  try {
    const a = crypto.randomUUID();
    await recordLearnerA(t.db.sql, a);
    const path = `/api/users/${a}/coaching`;

    await step.step("before any snapshot: no focus, still 200", async () => {
      const res = await t.call("GET", path, { token: await t.token("learner", a) });
      assert.equal(res.status, 200);
      assert.equal(res.body.latest, null);
      assert.equal(res.body.focus, null);
      assert.match(res.body.message, /Complete a few practice sessions/);
    });

    await step.step("focus, sentence and persistently low skills of learner A", async () => {
      // Two more weak structure sessions: structure's last 3 sessions are then 50, 45, 40.
      await recordSession(t.db.sql, a, 0.6, { structure: [45] });
      await recordSession(t.db.sql, a, 0.3, { structure: [40] });
      const snapshot = await computeUserReadiness(t.db.sql, a, {
        config: readinessConfig,
        asOf: AS_OF,
      });
      // structure, last 5 sessions: (55 + 45 + 50 + 45 + 40) / 5 = 47; other components as in
      // snapshots_test: technical 68.33, communication 77.5, behavioral 60.
      // overall 0.3 · 77.5 + 0.3 · 68.33 + 0.2 · 47 + 0.2 · 60 = 23.25 + 20.499 + 9.4 + 12 = 65.149
      assert.equal(snapshot.overall, 65.15);
      // gaps to 100: technical 0.3 · 31.67 = 9.501 → 9.5; communication 0.3 · 22.5 = 6.75;
      // structure 0.2 · 53 = 10.6; behavioral 0.2 · 40 = 8 → structure.
      const res = await t.call("GET", `${path}?audience=learner`, {
        token: await t.token("service"),
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.audience, "learner");
      assert.equal(res.body.latest.id, snapshot.id);
      assert.deepEqual(res.body.focus, {
        component: "structure",
        label: "Structure",
        score: 47,
        weight: 0.2,
        weighted_gap: 10.6,
        skill_tag: "structure",
        skill_label: "Structure",
      });
      assert.equal(res.body.message, "You're at 65; next we focus on structure.");
      assert.deepEqual(
        res.body.persistently_low.map((l: { skill_tag: string; sessions: { score: number }[] }) => [
          l.skill_tag,
          l.sessions.map((s) => s.score),
        ]),
        [["structure", [50, 45, 40]]],
      );
      // Guidance: six skills, 70 − 65.15 = 4.85 points to Nearly Ready, the rubric's step for
      // structure at 47, the low skill in the second person, no comparison and no projection.
      assert.equal(res.body.skills.length, 6);
      assert.deepEqual(res.body.next_band, { label: "Nearly Ready", min: 70, points: 4.85 });
      assert.equal(res.body.next_step.skill_tag, "structure");
      assert.equal(res.body.next_step.score, 47);
      assert.match(res.body.next_step.text, /^Announce your structure/);
      assert.match(res.body.low_skills[0].text, /^Your structure scores have stayed below 60/);
      assert.equal(res.body.why_changed, null);
      assert.equal(res.body.projection.shown, false);
      assert.match(res.body.projection.rule.description, /at least 5 snapshots/);
      // The fixture's sessions end on 20 Nov 2026: measured from now, practice has stopped.
      assert.match(
        res.body.projection.reason,
        /^Practice stopped on 20 Nov 2026, so there is no date to project\. One more session /,
      );
    });

    await step.step("audience: staff read the third person with the learner's label", async () => {
      await t.call("PUT", `/api/learners/${a}`, {
        token: await t.token("admin"),
        body: { level: "senior", track: "backend" },
      });
      const label = `Senior backend learner ${a.slice(0, 4)}`;
      // Default: staff for a coach, the learner for the learner; either can be asked for.
      const coach = await t.call("GET", path, { token: await t.token("coach") });
      assert.equal(coach.status, 200);
      assert.equal(coach.body.audience, "staff");
      assert.equal(coach.body.message, `${label} is at 65; next we focus on structure.`);
      assert.equal(
        coach.body.headline,
        `${label} is at 65 (Developing): 5 points to Nearly Ready.`,
      );
      assert.match(coach.body.next_step.text, new RegExp(`^${label} should announce`));
      assert.match(coach.body.low_skills[0].text, new RegExp(`^${label}'s structure scores`));
      const sentences = [
        coach.body.message,
        coach.body.headline,
        coach.body.next_step.text,
        ...coach.body.low_skills.map((l: { text: string }) => l.text),
        coach.body.projection.reason,
        ...coach.body.missing,
      ];
      for (const s of sentences) assert.doesNotMatch(s, /\byou(r|'re)?\b/i, s);
      const learner = await t.call("GET", path, { token: await t.token("learner", a) });
      assert.equal(learner.body.audience, "learner");
      assert.match(learner.body.headline, /^You're at 65 \(Developing\)/);
      const asked = await t.call("GET", `${path}?audience=staff`, {
        token: await t.token("learner", a),
      });
      assert.equal(asked.body.audience, "staff");
      assertInvalid(
        await t.call("GET", `${path}?audience=parent`, { token: await t.token("coach") }),
        /audience/,
      );
    });

    await step.step("access and bad params", async () => {
      await assertLearnerReadAccess(t, path, a);
      assertInvalid(
        await t.call("GET", `/api/users/x/coaching`, { token: await t.token("coach") }),
        /userId/,
      );
      const unknown = await t.call("GET", `/api/users/${crypto.randomUUID()}/coaching`, {
        token: await t.token("admin"),
      });
      assert.equal(unknown.status, 404);
    });
  } finally {
    await t.close();
  }
});
