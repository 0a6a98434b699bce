import assert from "node:assert/strict";
import { daysBefore, recordLearnerA, recordSession } from "../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../db/test_helpers.ts";
import { recomputeAllReadiness, type RecomputeProgress } from "./recompute.ts";
import { computeUserReadiness, listSnapshots } from "./snapshots.ts";

Deno.test("recomputeAllReadiness", async (step) => {
  const db = await createTestDatabase();
  try {
    const learners = Array.from({ length: 5 }, () => crypto.randomUUID());
    await recordLearnerA(db.sql, learners[0]);
    await recordSession(db.sql, learners[1], 3, { communication: [55, 65], structure: [70] });
    await recordSession(db.sql, learners[1], 1, { technical_depth: [40], probe: [45] });
    await recordSession(db.sql, learners[2], 2, { behavioral_examples: [88, 92, 90] });
    await recordSession(db.sql, learners[3], 400, { communication: [20], system_design: [35] });
    await recordSession(db.sql, learners[3], 200, { communication: [30], structure: [25] });
    await recordSession(db.sql, learners[4], 1, {
      communication: [100],
      technical_depth: [0],
      structure: [50],
      behavioral_examples: [75],
    });
    // A learner without events gets no snapshot.
    const idle = crypto.randomUUID();
    await db.sql`insert into analytics.learners (user_id) values (${idle})`;

    await step.step(
      "every learner with events, in batches, same as per-learner compute",
      async () => {
        const progress: RecomputeProgress[] = [];
        const result = await recomputeAllReadiness(db.sql, {
          batchSize: 2,
          onProgress: (p) => progress.push(p),
        });
        assert.equal(result.learners, 5);
        assert.equal(result.snapshots, 5);
        assert.equal(result.batches, 3);
        assert.ok(result.duration_ms >= 0);
        assert.deepEqual(progress, [{ done: 2, total: 5 }, { done: 4, total: 5 }, {
          done: 5,
          total: 5,
        }]);
        assert.deepEqual(await listSnapshots(db.sql, idle, 5), []);

        for (const id of learners) {
          const [batch] = await listSnapshots(db.sql, id, 1);
          assert.equal(batch.meta.trigger, "recompute");
          const single = await computeUserReadiness(db.sql, id, { trigger: "recompute" });
          assert.deepEqual(
            { overall: single.overall, components: single.components, band: single.band },
            { overall: batch.overall, components: batch.components, band: batch.band },
            id,
          );
          assert.deepEqual(single.meta, batch.meta, id);
          assert.equal(single.previous_overall, batch.overall);
        }
      },
    );

    await step.step("activeSince: only learners with an event since then", async () => {
      // Learner 3 last practised 200 days before AS_OF; everyone else within 45 days.
      const before = await db.sql<{ user_id: string; n: number }[]>`
        select user_id, count(*)::int as n from analytics.user_readiness group by user_id`;
      const result = await recomputeAllReadiness(db.sql, { activeSince: daysBefore(100) });
      assert.equal(result.learners, 4);
      assert.equal(result.batches, 1);
      const after = await db.sql<{ user_id: string; n: number }[]>`
        select user_id, count(*)::int as n from analytics.user_readiness group by user_id`;
      const added = (id: string) =>
        after.find((r) => r.user_id === id)!.n - before.find((r) => r.user_id === id)!.n;
      assert.deepEqual(learners.map(added), [1, 1, 1, 0, 1]);
    });

    await step.step("a bad batch size is refused", async () => {
      await assert.rejects(() => recomputeAllReadiness(db.sql, { batchSize: 0 }), RangeError);
    });
  } finally {
    await db.close();
  }
});
