import assert from "node:assert/strict";
import { daysBefore, recordLearnerA, recordSession } from "../../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { recomputeAllReadiness, type RecomputeProgress, withRecomputeLock } from "./recompute.ts";
import { listSnapshots } from "../read/history.ts";
import { computeUserReadiness } from "./snapshots.ts";
import { readinessConfig } from "../../../tests/static_config.ts";
import type { Sql } from "../../db/mod.ts";
import { disjointLanes } from "../../learners/lock.ts";

/** `fn`'s result and every statement the server received meanwhile (postgres.js reports each to
 * `debug` as it sends it). */
async function sent<T>(
  sql: Sql,
  fn: () => Promise<T>,
): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const options = (sql as unknown as { options: { debug?: unknown } }).options;
  options.debug = (_: number, text: string) => statements.push(text);
  try {
    return { result: await fn(), statements };
  } finally {
    delete options.debug;
  }
}

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
        const { result, statements } = await sent(db.sql, () =>
          recomputeAllReadiness(db.sql, {
            config: readinessConfig,
            batchSize: 2,
            // One lane: the batches in id order (two lanes: see the test below).
            concurrency: 1,
            onProgress: (p) => progress.push(p),
          }));
        assert.equal(result.mode, "full", "no run before: everyone is checked");
        assert.equal(result.learners, 5);
        assert.equal(result.snapshots, 5);
        assert.equal(result.unchanged, 0);
        assert.equal(result.batches, 3);
        assert.ok(result.duration_ms >= 0);
        assert.deepEqual(progress, [{ done: 2, total: 5 }, { done: 4, total: 5 }, {
          done: 5,
          total: 5,
        }]);
        assert.deepEqual(await listSnapshots(db.sql, idle, 5), []);
        // The rows kept from each batch's new snapshots (progress, latest snapshot, readiness
        // body) are rewritten from the snapshots of the batch's learners, named by id (an index
        // descent each) and not also by their id range, whose selectivity the planner would
        // multiply with the ids' and so expect next to no rows.
        const kept = statements.filter((s) =>
          /insert into analytics\.(readiness_progress|learner_latest|readiness_reads)/.test(s)
        );
        assert.ok(kept.length >= 3 * result.batches, kept.join("\n---\n"));
        for (const s of kept) {
          assert.match(s, /r\.user_id = any\(\$\d+::uuid\[\]\)/, s);
          assert.doesNotMatch(s, /r\.user_id between/, s);
        }
        const cleared = statements.filter((s) =>
          /delete from analytics\.(readiness_progress|learner_latest)/.test(s)
        );
        assert.ok(cleared.length >= 2 * result.batches, cleared.join("\n---\n"));
        for (const s of cleared) {
          assert.match(s, /[pk]\.user_id = any\(\$\d+::uuid\[\]\)/, s);
          assert.doesNotMatch(s, /[pk]\.user_id between/, s);
        }

        for (const id of learners) {
          const [batch] = await listSnapshots(db.sql, id, 1);
          assert.equal(batch.meta.trigger, "recompute");
          // The same learner alone finds the same figures: nothing new is written.
          const single = await computeUserReadiness(db.sql, id, {
            config: readinessConfig,
            trigger: "recompute",
          });
          assert.equal(single.written, false, id);
          assert.equal(single.id, batch.id, id);
        }
      },
    );

    const count = async () =>
      (await db.sql<{ n: number }[]>`select count(*)::int as n from analytics.user_readiness`)[0].n;

    await step.step(
      "recompute twice: zero new snapshots, learners reported unchanged",
      async () => {
        const before = await count();
        const full = await recomputeAllReadiness(db.sql, { config: readinessConfig, full: true });
        assert.equal(full.mode, "full");
        assert.equal(full.learners, 5);
        assert.equal(full.snapshots, 0);
        assert.equal(full.unchanged, 5);
        const incremental = await recomputeAllReadiness(db.sql, { config: readinessConfig });
        assert.equal(incremental.mode, "incremental");
        assert.equal(incremental.learners, 0, "nothing new: nobody to look at");
        assert.equal(incremental.snapshots, 0);
        assert.equal(await count(), before);
      },
    );

    await step.step(
      "a full run computes the windows once per batch, in the statement that stores them, over the batch's id range",
      async () => {
        // Every statement the server receives during the run.
        const { result, statements } = await sent(db.sql, () =>
          recomputeAllReadiness(db.sql, {
            config: readinessConfig,
            full: true,
            batchSize: 2,
          }));
        assert.equal(result.batches, 3);
        // The window rule (a learner's sessions on a skill ranked, skillSessions) and the stored
        // windows.
        const computes = statements.filter((s) => /partition by e\.user_id/.test(s));
        const reads = statements.filter((s) => /analytics\.user_skill_agg/.test(s));
        assert.equal(computes.length, result.batches, computes.join("\n---\n"));
        for (const s of computes) {
          assert.match(s, /merge into analytics\.user_skill_agg/, "computed where stored");
          assert.match(
            s,
            /when not matched and f\.sample_size > 0 then\s+insert/,
            "computed where stored",
          );
          // Emptied day windows are deleted by the same statement.
          assert.match(s, /when matched and f\.sample_size = 0 then delete/);
          // Once in the statement too: one copy of the rule, the MERGE's source (evaluated once),
          // which the insert and the update both read.
          assert.equal(s.match(/partition by e\.user_id/g)?.length, 1, s);
          assert.equal(s.match(/from analytics\.session_events/g)?.length, 1, s);
        }
        // Per batch, besides that statement: the delete of windows no longer configured (no
        // probe of the answers per stored row) and the scores' read of the stored figures.
        assert.equal(reads.length, 3 * result.batches, reads.join("\n---\n"));
        const deletes = reads.filter((s) => /delete from analytics\.user_skill_agg/.test(s));
        assert.equal(deletes.length, result.batches);
        for (const s of deletes) assert.doesNotMatch(s, /session_events/, s);
        assert.equal(
          reads.filter((s) => /left join analytics\.user_skill_agg/.test(s)).length,
          result.batches,
        );
        const customPlans = statements.filter((s) =>
          /'plan_cache_mode', 'force_custom_plan'/.test(s)
        );
        assert.equal(customPlans.length, result.batches, "each batch planned for its learners");
        // Each batch statement that reads its learners' answers or sessions (the windows, the
        // moments) names them by id, not also by their id range (see above).
        const perBatch = statements.filter((s) =>
          /= any\(/.test(s) &&
          /analytics\.session_events e|analytics\.sessions s/.test(s)
        );
        assert.ok(perBatch.length >= 2 * result.batches, perBatch.join("\n---\n"));
        for (const s of perBatch) {
          assert.match(s, /[es]\.user_id = any\(\$\d+::uuid\[\]\)/, s);
          assert.doesNotMatch(s, /[els]\.user_id between/, s);
        }
        // The latest evidence is one grouped pass over the batch's learner, answer and session
        // rows: no join whose plan depends on how many rows the planner expects.
        const moments = statements.filter((s) => /max\(u\.answer_at\)/.test(s));
        assert.equal(moments.length, result.batches, moments.join("\n---\n"));
        for (const s of moments) assert.doesNotMatch(s, /\bjoin analytics\.session_events/, s);
      },
    );

    await step.step("incremental: only learners with new evidence", async () => {
      const before = await count();
      await recordSession(db.sql, learners[2], 0.5, { behavioral_examples: [60] });
      const r = await recomputeAllReadiness(db.sql, { config: readinessConfig });
      assert.equal(r.mode, "incremental");
      assert.equal(r.learners, 1);
      assert.equal(r.snapshots, 1);
      assert.equal(await count(), before + 1);
      const [latest] = await listSnapshots(db.sql, learners[2], 1);
      assert.equal(latest.ts, new Date(daysBefore(0.5).getTime()).toISOString());
      assert.equal((await recomputeAllReadiness(db.sql, { config: readinessConfig })).learners, 0);
    });

    await step.step(
      "incremental: a day window that lost an answer refreshes that learner",
      async () => {
        // An answer 7 days and a minute ago, still counted in a 7d aggregate computed a day ago.
        const u = crypto.randomUUID();
        const answeredAt = new Date(Date.now() - 7 * 86_400_000 - 60_000);
        await recordSession(db.sql, u, 0, { communication: [50] }, answeredAt);
        await recomputeAllReadiness(db.sql, { config: readinessConfig }); // takes the new evidence
        await db.sql`
        insert into analytics.user_skill_agg
          (user_id, skill_tag, window_key, avg_score, score_total, sample_size, session_count)
        values (${u}, 'communication', '7d', 50, 50, 1, 1)`;
        const aggregate = db.sql<{ n: number }[]>`
        select count(*)::int as n from analytics.user_skill_agg
        where user_id = ${u} and window_key = '7d'`;
        // Nothing pending; only the passing of time since the last run (a day ago) matters.
        await db.sql`update analytics.readiness_runs set started_at = now() - interval '1 day'`;
        const r = await recomputeAllReadiness(db.sql, { config: readinessConfig });
        // That learner, and fixture learners whose answers also left a day window since.
        assert.ok(r.learners >= 1 && r.learners <= 4, `${r.learners}`);
        assert.equal(r.snapshots, 0, "readiness uses the last sessions: unchanged");
        assert.equal(r.unchanged, r.learners);
        assert.equal((await aggregate)[0].n, 0, "the 7d aggregate no longer counts the answer");
      },
    );

    await step.step("activeSince: a full check of learners with an event since then", async () => {
      const r = await recomputeAllReadiness(db.sql, {
        config: readinessConfig,
        activeSince: daysBefore(100),
      });
      assert.equal(r.mode, "full");
      assert.equal(r.learners, 5); // the four recent fixture learners and the one added above
      assert.equal(r.snapshots, 0);
    });

    await step.step(
      "overlapping runs: the second finds the lock taken and does nothing",
      async () => {
        const [a, b] = await Promise.all([
          recomputeAllReadiness(db.sql, { config: readinessConfig, full: true }),
          recomputeAllReadiness(db.sql, { config: readinessConfig, full: true }),
        ]);
        if (db.kind === "server") {
          assert.equal([a, b].filter((r) => r.skipped).length, 1);
        }
        assert.equal(a.snapshots + b.snapshots, 0);
        const held = await withRecomputeLock(db.sql, async () => {
          const inner = await recomputeAllReadiness(db.sql, {
            config: readinessConfig,
            full: true,
          });
          assert.equal(inner.skipped, true);
          return "held";
        });
        assert.equal(held, "held");
      },
    );

    await step.step(
      "a run of many batches analyzes the tables whose statistics are missing or stale, once",
      async () => {
        const more = Array.from({ length: 4 }, () => crypto.randomUUID());
        for (const [i, id] of more.entries()) {
          await recordSession(db.sql, id, 2 + i, { communication: [50 + i], structure: [60] });
        }
        const many = { config: readinessConfig, full: true, batchSize: 1 } as const;
        // 9 learners with answers, a batch each: at least 8 batches. No table of this database
        // was analyzed yet, so each is before the first batch; then none is stale any more.
        const first = await sent(db.sql, () => recomputeAllReadiness(db.sql, many));
        assert.ok(first.result.batches >= 8);
        const analyzed = first.statements.filter((s) => /^analyze /.test(s.trim()));
        for (const table of ["session_events", "user_skill_agg", "user_readiness"]) {
          assert.ok(analyzed.includes(`analyze analytics.${table}`), analyzed.join("\n"));
          assert.equal(analyzed.filter((s) => s === `analyze analytics.${table}`).length, 1);
        }
        const again = await sent(db.sql, () => recomputeAllReadiness(db.sql, many));
        assert.deepEqual(again.statements.filter((s) => /^analyze /.test(s.trim())), []);
        // A run of fewer batches never looks.
        const few = await sent(
          db.sql,
          () => recomputeAllReadiness(db.sql, { ...many, batchSize: 100 }),
        );
        assert.deepEqual(few.statements.filter((s) => /pg_stat_user_tables/.test(s)), []);
      },
    );

    await step.step("a bad batch size is refused", async () => {
      await assert.rejects(
        () => recomputeAllReadiness(db.sql, { config: readinessConfig, batchSize: 0 }),
        RangeError,
      );
    });
  } finally {
    await db.close();
  }
});

Deno.test("a full run in two lanes: learners split by lock bucket, the same figures as one lane", async () => {
  const one = await createTestDatabase();
  const two = await createTestDatabase();
  try {
    // The same 40 learners and answers in both databases.
    const ids = Array.from(
      { length: 40 },
      (_, i) => `00000000-0000-4000-8000-${(i * 7919).toString(16).padStart(12, "0")}`,
    );
    for (const db of [one, two]) {
      for (const [i, id] of ids.entries()) {
        await recordSession(db.sql, id, 1 + (i % 5), {
          communication: [40 + i],
          structure: [60 - (i % 7)],
        });
        await recordSession(db.sql, id, 10 + (i % 3), { technical_depth: [30 + ((i * 3) % 50)] });
      }
    }
    // Two lanes: every learner in one of them, and no lock bucket in both (all of the first
    // lane's below all of the second's).
    const lanes = await disjointLanes(two.sql, ids, 2);
    assert.deepEqual([...lanes.flat()].sort(), [...ids].sort());
    const buckets = async (lane: string[]) =>
      (await two.sql<{ b: number }[]>`
        select hashtext(u::text) & 4095 as b from unnest(${lane}::uuid[]) u`).map((r) => r.b);
    const [low, high] = [await buckets(lanes[0]), await buckets(lanes[1])];
    assert.ok(low.length > 0 && high.length > 0);
    assert.ok(Math.max(...low) < Math.min(...high));

    const run = (db: typeof one, concurrency: number) =>
      recomputeAllReadiness(db.sql, {
        full: true,
        config: readinessConfig,
        batchSize: 3,
        concurrency,
      });
    const serial = await run(one, 1);
    const laned = await run(two, 2);
    assert.equal(laned.learners, serial.learners);
    assert.equal(laned.snapshots, serial.snapshots);
    assert.equal(serial.batches, Math.ceil(ids.length / 3));
    // Lanes need connections: the embedded database (one connection) runs one lane.
    const pool = (two.sql as unknown as { options: { max: number } }).options.max;
    assert.equal(
      laned.batches,
      pool > 1 ? Math.ceil(lanes[0].length / 3) + Math.ceil(lanes[1].length / 3) : serial.batches,
    );
    const figures = (sql: Sql) =>
      sql`
      select user_id, ts, readiness_overall, readiness_technical, readiness_communication,
             readiness_structure, readiness_behavioral, band, meta -> 'sufficient_evidence' as s
      from analytics.user_readiness order by user_id, ts`;
    const aggregates = (sql: Sql) =>
      sql`
      select user_id, skill_tag, window_key, avg_score, sample_size, session_count, score_total
      from analytics.user_skill_agg order by user_id, skill_tag, window_key`;
    assert.deepEqual(await figures(two.sql), await figures(one.sql));
    assert.deepEqual(await aggregates(two.sql), await aggregates(one.sql));
    assert.equal((await figures(two.sql)).length, ids.length);
  } finally {
    await one.close();
    await two.close();
  }
});
