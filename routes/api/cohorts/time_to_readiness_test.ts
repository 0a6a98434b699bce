import assert from "node:assert/strict";
import { upsertProfile } from "../../../lib/learners/profile.ts";
import { refreshProgress } from "../../../lib/readiness/mod.ts";
import { startTestApp } from "../../../tests/harness.ts";
import { AS_OF, assertInvalid } from "../../../tests/readiness_fixtures.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const PATH = "/api/cohorts/time-to-readiness";

Deno.test("GET /api/cohorts/time-to-readiness", async (step) => {
  const t = await startTestApp();
  const coach = await t.token("coach");
  try {
    // Senior learners' snapshots [day, overall]: from 40 to 70 in 10 and 20 days; one still
    // below 70 after 30 days (censored); a mid learner in 1 day.
    const histories: [string, [number, number][]][] = [
      ["senior", [[0, 45], [10, 72]]],
      ["senior", [[0, 50], [5, 60], [20, 75]]],
      ["senior", [[0, 41], [30, 65]]],
      ["mid", [[0, 40], [1, 90]]],
    ];
    for (const [level, snapshots] of histories) {
      const id = crypto.randomUUID();
      await upsertProfile(t.db.sql, id, { level });
      for (const [day, overall] of snapshots) {
        await t.db.sql`
          insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
          values (${id}, ${new Date(AS_OF.getTime() + day * DAY_MS)}, ${overall}, 'x',
                  ${t.db.sql.json({ sufficient_evidence: true })})`;
      }
      // What the snapshot writer does after writing a learner's snapshots.
      await refreshProgress(t.db.sql, [id]);
    }

    await step.step("counts, reached-only figures and Kaplan–Meier, each labelled", async () => {
      const res = await t.call("GET", `${PATH}?from=40&to=70&level=senior`, { token: coach });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.learners, { reached_from: 3, reached_to: 2, not_yet_reached: 1 });
      // Reached only: 10 and 20 → median 15, mean 15.
      assert.deepEqual(
        [res.body.reached_only.median_days, res.body.reached_only.mean_days],
        [15, 15],
      );
      // KM over 10, 20, 30 (censored): S(10) = 2/3, S(20) = 2/3 · 1/2 = 1/3 → median 20.
      assert.equal(res.body.kaplan_meier.median_days, 20);
      assert.deepEqual(
        res.body.kaplan_meier.curve.map((s: { days: number; not_yet_reached: number }) => [
          s.days,
          s.not_yet_reached,
        ]),
        [[10, 0.666667], [20, 0.333333], [30, 0.333333]],
      );
      assert.match(res.body.kaplan_meier.description, /censored/);
      assert.match(res.body.reached_only.description, /Only learners who reached 70/);
      const all = await t.call("GET", `${PATH}?from=40&to=70`, { token: await t.token("admin") });
      assert.equal(all.body.learners.reached_from, 4);
      assert.equal(all.body.level, null);
    });

    await step.step("coach and admin only", async () => {
      const path = `${PATH}?from=40&to=70`;
      assert.equal((await t.call("GET", path)).status, 401);
      assert.equal((await t.call("GET", path, { token: await t.token("learner") })).status, 403);
      assert.equal((await t.call("GET", path, { token: await t.token("service") })).status, 403);
    });

    await step.step("bad query params → 400", async () => {
      for (
        const [query, pattern] of [
          ["from=abc&to=70", /from/],
          ["to=70", /from/],
          ["from=80&to=70", /`to` must be above `from`/],
          ["from=70&to=70", /`to` must be above `from`/],
          ["from=-1&to=70", /from/],
          ["from=40&to=101", /to/],
          ["from=40&to=70&level=wizard", /level/],
        ] as const
      ) {
        assertInvalid(await t.call("GET", `${PATH}?${query}`, { token: coach }), pattern, query);
      }
    });
  } finally {
    await t.close();
  }
});
