import assert from "node:assert/strict";
import { AS_OF, recordSession } from "../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../tests/db.ts";
import { lowRule, readinessConfig } from "../../tests/static_config.ts";
import { eraseLearner } from "../privacy/mod.ts";
import { saveProfile } from "../learners/profile.ts";
import { computeUserReadiness, rebuildReadiness } from "../readiness/mod.ts";
import { fillActivity, refreshActivity, ruleStamp } from "./activity.ts";
import { refreshLatest } from "../readiness/write/latest.ts";

const MINUTE = 60_000;

Deno.test("kept activity and latest snapshot follow every write of answers and snapshots", async (t) => {
  const db = await createTestDatabase();
  const { sql } = db;
  const activity = async (id: string) =>
    (await sql<{ last_answer_at: Date; low_rule: string; low_skills: string[] }[]>`
      select last_answer_at, low_rule, low_skills from analytics.learner_activity
      where user_id = ${id}`)[0];
  const latest = async (id: string) =>
    (await sql<{ ts: Date; readiness: number | null; previous: number | null; scored: number[] }[]>`
      select ts, readiness, previous, scored from analytics.learner_latest where user_id = ${id}`)[
      0
    ];
  /** Rewriting every learner's kept rows from the source changes nothing. */
  const kept = async () => [
    ...await sql`
      select a.*, l.* from analytics.learner_activity a
      full join analytics.learner_latest l using (user_id) order by 1`,
    ...await sql`select * from analytics.learner_skill_sessions order by user_id, skill_tag`,
  ];
  const inStep = async () => {
    const before = await kept();
    const ids = (await sql<{ user_id: string }[]>`select user_id from analytics.learners`)
      .map((r) => r.user_id);
    await sql.begin(async (tx) => {
      await refreshActivity(tx, ids, lowRule);
      await refreshLatest(tx, ids);
    });
    assert.deepEqual(await kept(), before);
  };
  try {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();

    await t.step(
      "ingest: the last answer and the persistently low skills (60, last 3)",
      async () => {
        // Communication: 50, (55 + 70) / 2 = 62.5, 40, 58 → the last three 62.5, 40, 58: not all
        // below 60. Structure: 59, 59.99, 20 → low. Probe: two sessions only → not judged low.
        await recordSession(sql, a, 10, { communication: [50], structure: [59] });
        await recordSession(sql, a, 8, {
          communication: [55, 70],
          structure: [59.99],
          probe: [10],
        });
        await recordSession(sql, a, 6, { communication: [40], structure: [20] });
        await recordSession(sql, a, 4, { communication: [58], probe: [10] });
        const row = await activity(a);
        assert.deepEqual(row.low_skills, ["structure"]);
        // Communication's sessions in order: sums in hundredths, counts, the best from each on.
        const [comm] = await sql`
        select sum_h, n, best_sum_h, best_n from analytics.learner_skill_sessions
        where user_id = ${a} and skill_tag = 'communication'`;
        assert.deepEqual(
          [comm.sum_h, comm.n, comm.best_sum_h, comm.best_n].map((xs) => xs.map(Number)),
          [[5000, 12500, 4000, 5800], [1, 2, 1, 1], [12500, 12500, 5800, 5800], [2, 2, 1, 1]],
        );
        assert.equal(row.low_rule, ruleStamp(lowRule));
        // The last answer: session 4 days back, its second answer a minute after the first.
        assert.equal(row.last_answer_at.getTime(), AS_OF.getTime() - 4 * 86_400_000 + MINUTE);
        await inStep();
      },
    );

    await t.step("a late answer (earlier in time) is judged in its place", async () => {
      // A structure session between the others, scoring 90: the last three structure sessions
      // are now 59.99, 90 (7 days back), 20 → no longer low; the last answer stays.
      const before = (await activity(a)).last_answer_at;
      await recordSession(sql, a, 7, { structure: [90] });
      const row = await activity(a);
      assert.deepEqual(row.low_skills, []);
      assert.deepEqual(row.last_answer_at, before);
      await inStep();
    });

    await t.step("snapshots: the latest, the one before, the scored overalls", async () => {
      await computeUserReadiness(sql, a, { config: readinessConfig, trigger: "test" });
      const one = await latest(a);
      assert.equal(one.previous, null);
      assert.equal(one.scored.length, one.readiness === null ? 0 : 1);
      await rebuildReadiness(sql, { config: readinessConfig, userIds: [a], trigger: "test" });
      const history = await sql<{ readiness_overall: number | null; ts: Date }[]>`
        select readiness_overall, ts from analytics.user_readiness where user_id = ${a}
        order by ts desc, id desc`;
      assert.ok(history.length >= 4);
      const row = await latest(a);
      assert.deepEqual(row.ts, history[0].ts);
      assert.equal(row.readiness, history[0].readiness_overall);
      assert.equal(row.previous, history[1].readiness_overall);
      assert.deepEqual(
        row.scored,
        history.map((h) => h.readiness_overall).filter((x) => x !== null),
      );
      await inStep();
    });

    await t.step("rows kept under another rule are judged again by fillActivity", async () => {
      await recordSession(sql, b, 3, { communication: [10] });
      await sql`update analytics.learner_activity set low_rule = 'older rule', low_skills = '{x}'`;
      const written = await fillActivity(sql, lowRule, 1);
      assert.equal(written, 2);
      assert.deepEqual((await activity(a)).low_skills, []);
      assert.equal((await activity(b)).low_rule, ruleStamp(lowRule));
      assert.equal(await fillActivity(sql, lowRule, 1), 0);
      await inStep();
    });

    await t.step("a profile write rewrites the profile on every kept row", async () => {
      // The kept rows carry the profile for profile-filtered cohorts: the learner's as written
      // with their answers and snapshots (none yet), then as each profile write leaves it.
      const profiles = async (id: string) =>
        await sql<
          { t: string; level: string | null; track: string | null; cohort: string | null }[]
        >`
          select 'latest' as t, level, track, cohort from analytics.learner_latest
          where user_id = ${id}
          union all
          select 'activity', level, track, cohort from analytics.learner_activity
          where user_id = ${id}
          union all
          select 'skill ' || skill_tag, level, track, cohort from analytics.learner_skill_sessions
          where user_id = ${id}
          order by 1`;
      const before = await profiles(a);
      assert.ok(before.length >= 4);
      assert.ok(before.every((r) => r.level === null && r.track === null && r.cohort === null));
      await saveProfile(sql, a, { level: "senior", track: "backend", cohort: "2026-autumn" });
      const after = await profiles(a);
      assert.deepEqual(after.map((r) => r.t), before.map((r) => r.t));
      assert.ok(
        after.every((r) =>
          r.level === "senior" && r.track === "backend" && r.cohort === "2026-autumn"
        ),
      );
      // A partial write keeps the fields it does not name; b's rows are untouched.
      await saveProfile(sql, a, { cohort: "2027-spring" });
      assert.ok(
        (await profiles(a)).every((r) => r.level === "senior" && r.cohort === "2027-spring"),
      );
      assert.ok((await profiles(b)).every((r) => r.level === null && r.cohort === null));
      // Rewriting the kept rows from the sources finds them as the profile writes left them.
      await inStep();
    });

    await t.step("erasing a learner erases the kept rows", async () => {
      await eraseLearner(sql, a);
      assert.equal(await activity(a), undefined);
      assert.equal(await latest(a), undefined);
      assert.ok(await activity(b));
    });
  } finally {
    await db.close();
  }
});
