import assert from "node:assert/strict";
import { recordLearnerA, recordSession } from "../../../tests/readiness_fixtures.ts";
import { createTestDatabase, testServerUrl } from "../../../tests/db.ts";
import { gate, someoneWaitsForALock } from "../../../tests/locks.ts";
import { eraseLearner } from "../../privacy/mod.ts";
import { readinessAsBefore } from "../read/body_oracle.ts";
import { readinessBody } from "../read/readiness_body.ts";
import { BUILDER, DEFAULT_HISTORY } from "../sql.ts";
import { refreshSkillAggregates } from "./aggregates.ts";
import { refreshProgress } from "./progress.ts";
import { rebuildReadiness, recomputeAllReadiness } from "./recompute.ts";
import { computeReadiness, computeUserReadiness } from "./snapshots.ts";
import { readinessConfig } from "../../../tests/static_config.ts";
Deno.test("the kept readiness body follows every change to the learner's snapshots", async (t) => {
  const db = await createTestDatabase();
  const { sql } = db;
  const kept = async (id: string) =>
    (await sql<{ body: string; builder: string; history_limit: number }[]>`
      select body, builder, history_limit from analytics.readiness_reads where user_id = ${id}`)[0];
  try {
    const a = crypto.randomUUID();
    await recordLearnerA(sql, a);

    await t.step("before any snapshot: no kept body, the read is built", async () => {
      assert.equal(await kept(a), undefined);
      assert.deepEqual(
        JSON.parse((await readinessBody(sql, a, DEFAULT_HISTORY))!),
        await readinessAsBefore(sql, a, DEFAULT_HISTORY),
      );
    });

    await t.step("a computed snapshot writes the body in its transaction", async () => {
      await computeUserReadiness(sql, a, { config: readinessConfig, trigger: "test" });
      const row = await kept(a);
      assert.equal(row.builder, BUILDER);
      assert.equal(row.history_limit, DEFAULT_HISTORY);
      assert.deepEqual(JSON.parse(row.body), await readinessAsBefore(sql, a, DEFAULT_HISTORY));
      // The default read answers the kept text itself.
      assert.equal(await readinessBody(sql, a, DEFAULT_HISTORY), row.body);
    });

    await t.step("a new session's snapshot rewrites it (latest, delta, history)", async () => {
      const before = (await kept(a)).body;
      await recordSession(sql, a, 0.5, { communication: [95], structure: [80] });
      await computeUserReadiness(sql, a, { config: readinessConfig, trigger: "test" });
      const after = JSON.parse((await kept(a)).body);
      assert.notEqual((await kept(a)).body, before);
      assert.equal(after.history.length, 2);
      assert.equal(after.delta, 2.75);
      assert.deepEqual(after, await readinessAsBefore(sql, a, DEFAULT_HISTORY));
    });

    await t.step("a rebuild (one snapshot per session) rewrites it", async () => {
      await rebuildReadiness(sql, { config: readinessConfig, userIds: [a], trigger: "test" });
      const body = JSON.parse((await kept(a)).body);
      assert.equal(body.history.length, 8);
      assert.deepEqual(body, await readinessAsBefore(sql, a, DEFAULT_HISTORY));
      for (const limit of [1, 2, 7, 8, 9, 21]) {
        assert.deepEqual(
          JSON.parse((await readinessBody(sql, a, limit))!),
          await readinessAsBefore(sql, a, limit),
        );
      }
    });

    await t.step(
      "a body from another builder is not used, and the next write replaces it",
      async () => {
        await sql`update analytics.readiness_reads set builder = 'older', body = '{}'
                where user_id = ${a}`;
        assert.deepEqual(
          JSON.parse((await readinessBody(sql, a, DEFAULT_HISTORY))!),
          await readinessAsBefore(sql, a, DEFAULT_HISTORY),
        );
        await rebuildReadiness(sql, { config: readinessConfig, userIds: [a], trigger: "test" });
        assert.equal((await kept(a)).builder, BUILDER);
        assert.deepEqual(JSON.parse((await kept(a)).body), await readinessAsBefore(sql, a, 20));
      },
    );

    await t.step("any recompute run writes the bodies that are missing or outdated", async () => {
      const empty = crypto.randomUUID();
      await sql`insert into analytics.learners (user_id) values (${empty})`;
      await sql`delete from analytics.readiness_reads where user_id = ${a}`;
      const run = await recomputeAllReadiness(sql, { config: readinessConfig, trigger: "test" });
      assert.equal(run.snapshots, 0);
      assert.deepEqual(JSON.parse((await kept(a)).body), await readinessAsBefore(sql, a, 20));
      assert.deepEqual(JSON.parse((await kept(empty)).body), {
        user_id: empty,
        latest: null,
        delta: null,
        history: [],
      });
      assert.equal(await readinessBody(sql, empty, DEFAULT_HISTORY), (await kept(empty)).body);
    });

    await t.step("after a fill, a run looks only at learners created since", async () => {
      const [run] = await sql<{ kept_builder: string; kept_since: Date }[]>`
        select kept_builder, kept_since from analytics.readiness_runs
        order by id desc limit 1`;
      assert.equal(run.kept_builder, BUILDER);
      assert.ok(run.kept_since instanceof Date);
      // A learner created since gets the body at the next run.
      const added = crypto.randomUUID();
      await sql`insert into analytics.learners (user_id) values (${added})`;
      // A learner created before the fill whose body went missing outside the product's writes
      // is not looked at again (their body is rewritten with their next snapshot)...
      const older = crypto.randomUUID();
      await sql`insert into analytics.learners (user_id, created_at)
                values (${older}, ${run.kept_since}::timestamptz - interval '1 day')`;
      await recomputeAllReadiness(sql, { config: readinessConfig, trigger: "test" });
      assert.equal(JSON.parse((await kept(added)).body).history.length, 0);
      assert.equal(await kept(older), undefined);
      // ...until a run finds no fill recorded with this builder (an upgrade): every learner then.
      await sql`update analytics.readiness_runs set kept_builder = 'older'`;
      await recomputeAllReadiness(sql, { config: readinessConfig, trigger: "test" });
      assert.equal((await kept(older)).builder, BUILDER);
    });

    await t.step("snapshots removed by a rebuild: the body shows none", async () => {
      await sql`delete from analytics.session_events where user_id = ${a}`;
      await rebuildReadiness(sql, { config: readinessConfig, userIds: [a], trigger: "test" });
      assert.deepEqual(JSON.parse((await kept(a)).body), {
        user_id: a,
        latest: null,
        delta: null,
        history: [],
      });
    });

    await t.step("erasing the learner erases the body", async () => {
      await eraseLearner(sql, a);
      assert.equal(await kept(a), undefined);
      assert.equal(await readinessBody(sql, a, DEFAULT_HISTORY), null);
    });
  } finally {
    await db.close();
  }
});

Deno.test({
  name: "two transactions writing one learner's snapshots leave a kept body with both",
  // Two transactions at once need two connections: the server.
  ignore: !testServerUrl(),
  async fn() {
    const db = await createTestDatabase();
    const { sql } = db;
    try {
      const a = crypto.randomUUID();
      const sessions = await recordLearnerA(sql, a);
      await refreshSkillAggregates(sql, [a], { config: readinessConfig });
      const release = gate();
      const wrote = gate();
      const at = (sessionId: string) => ({
        at: { kind: "session" as const, sessionId },
        trigger: "test",
        details: false,
        config: readinessConfig,
      });
      // The first session's snapshot, held uncommitted until the second transaction is waiting.
      const first = sql.begin(async (tx) => {
        const r = await computeReadiness(tx, [a], at(sessions[0]));
        assert.equal(r.written, 1);
        wrote.open();
        await release.opened;
      });
      await wrote.opened;
      const second = sql.begin((tx) => computeReadiness(tx, [a], at(sessions.at(-1)!)));
      assert.ok(await someoneWaitsForALock(sql), "the second transaction waits for the lock");
      release.open();
      await first;
      assert.equal((await second).written, 1);
      const [{ body }] = await sql<{ body: string }[]>`
        select body from analytics.readiness_reads where user_id = ${a}`;
      assert.equal(JSON.parse(body).history.length, 2);
      assert.deepEqual(JSON.parse(body), await readinessAsBefore(sql, a, DEFAULT_HISTORY));
      // The progress row too: rewriting it now from both snapshots changes nothing.
      const progress = () =>
        sql`select first_ts, last_ts, best_at, best_hundredths from analytics.readiness_progress
            where user_id = ${a}`;
      const kept = await progress();
      await sql.begin((tx) => refreshProgress(tx, [a]));
      assert.deepEqual(await progress(), kept);
    } finally {
      await db.close();
    }
  },
});
