import assert from "node:assert/strict";
import { AS_OF, recordLearnerA, recordSession } from "../../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { gate } from "../../../tests/locks.ts";
import type { Sql } from "../../db/mod.ts";
import { importHistoryDir } from "../../legacy/import.ts";
import { memoryLog } from "../../legacy/run_log.ts";
import { saveProfile } from "../../learners/profile.ts";
import { lockLearners } from "../../learners/lock.ts";
import { eraseLearner, exportLearner } from "../../privacy/mod.ts";
import { completeSession, completionSchema } from "../../sessions/complete.ts";
import { windowSpec } from "../config.ts";
import { rebuildReadiness, recomputeAllReadiness } from "../write/recompute.ts";
import { computeUserReadiness } from "../write/snapshots.ts";
import { coachingRead } from "./coaching.ts";
import {
  coachingText,
  fillLearnerReads,
  type KeptRead,
  keptReadBody,
  keptReads,
  readsBuilder,
} from "./kept_bodies.ts";
import { trendsBody } from "./trends_body.ts";
import { catalog, lowRule, readinessConfig, shipped } from "../../../tests/static_config.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The body built from the learner's data as the API builds it without a kept row, as of `now`. */
async function built(sql: Sql, id: string, read: KeptRead, now: number): Promise<string | null> {
  if (read === "trends") {
    const body = await trendsBody(
      sql,
      id,
      windowSpec(readinessConfig, readinessConfig.trend_window),
      catalog,
    );
    return body && JSON.stringify(body);
  }
  const audience = read === "coaching_staff" ? "staff" : "learner";
  const r = await coachingRead(sql, id, shipped, undefined, { audience, now });
  return r && coachingText(id, r);
}

const keptRows = async (sql: Sql, id: string) => [
  ...await sql<{ read: string; builder: string }[]>`
    select read, builder from analytics.learner_reads where user_id = ${id} order by read`,
];

/**
 * Every kept read of `id` answers byte for byte the built body, as of several times (the
 * projection is computed at read time): the first read builds and keeps it, the next ones answer
 * the kept row.
 */
async function assertKeptAsBuilt(sql: Sql, id: string, times: number[]) {
  for (const read of keptReads(shipped)) {
    for (const now of times) {
      const expected = await built(sql, id, read, now);
      assert.ok(expected !== null);
      assert.equal(await keptReadBody(sql, id, read, shipped, now), expected, `${read} at ${now}`);
      assert.equal(
        await keptReadBody(sql, id, read, shipped, now),
        expected,
        `${read} kept, at ${now}`,
      );
    }
  }
  assert.deepEqual(
    (await keptRows(sql, id)).map((r) => [r.read, r.builder]),
    [...keptReads(shipped)].sort().map((r) => [r, readsBuilder(shipped)]),
  );
}

Deno.test("the kept trends and coaching bodies are the built ones after every kind of write", async (t) => {
  const db = await createTestDatabase();
  const { sql } = db;
  const dirs: string[] = [];
  // The fixture's sessions are days before AS_OF: reads on the day, a week, a month and a year on.
  const times = [0, 1, 7, 30, 365].map((d) => AS_OF.getTime() + d * DAY_MS);
  const forgotten = async (id: string) => assert.deepEqual(await keptRows(sql, id), []);
  try {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();

    await t.step("answers, before any snapshot", async () => {
      await recordLearnerA(sql, a);
      await assertKeptAsBuilt(sql, a, times);
      assert.equal(await keptReadBody(sql, crypto.randomUUID(), "trends", shipped), null);
      assert.equal(await keptReadBody(sql, crypto.randomUUID(), "coaching_staff", shipped), null);
    });

    await t.step("new answers delete the kept bodies in their transaction", async () => {
      await recordSession(sql, a, 3, { communication: [35], structure: [50] });
      await forgotten(a);
      await assertKeptAsBuilt(sql, a, times);
    });

    await t.step("a computed snapshot (aggregates and history) deletes them", async () => {
      await computeUserReadiness(sql, a, { trigger: "test", config: readinessConfig });
      await forgotten(a);
      await assertKeptAsBuilt(sql, a, times);
    });

    await t.step("a completion", async () => {
      const session = await recordSession(sql, a, 1, { behavioral_examples: [90], probe: [85] });
      await assertKeptAsBuilt(sql, a, times);
      await completeSession(
        sql,
        session,
        completionSchema.parse({
          user_id: a,
          completed_at: new Date(AS_OF.getTime() - DAY_MS / 2).toISOString(),
          transcript: ["Q: hello", "A: hi"],
          scorecard: { bce_score: 70 },
        }),
        readinessConfig,
      );
      await forgotten(a);
      await assertKeptAsBuilt(sql, a, times);
    });

    await t.step("a rebuild (a snapshot per session: the projection has points)", async () => {
      await rebuildReadiness(sql, { userIds: [a], trigger: "test", config: readinessConfig });
      await forgotten(a);
      await assertKeptAsBuilt(sql, a, times);
      const kept = JSON.parse(
        (await sql<{ projection: string }[]>`
        select projection from analytics.learner_reads
        where user_id = ${a} and read = 'coaching_learner'`)[0].projection,
      );
      assert.ok(kept.points.length >= 2, "the projection's inputs are kept");
      // The projection is of the time of the read: a year on, practice has stopped.
      const [day, yearOn] = [times[0], times[4]].map(async (now) =>
        JSON.parse((await keptReadBody(sql, a, "coaching_learner", shipped, now))!).projection
          .reason
      );
      assert.notEqual(await day, await yearOn);
      assert.match(await yearOn, /^Practice stopped on/);
    });

    await t.step("a full recompute, and the fill of learners without kept bodies", async () => {
      await recordSession(sql, b, 2, { communication: [70], technical_depth: [65] });
      await recomputeAllReadiness(sql, { full: true, trigger: "test", config: readinessConfig });
      await forgotten(a);
      assert.equal(await fillLearnerReads(sql, shipped, 1), 2);
      assert.equal(await fillLearnerReads(sql, shipped, 1), 0, "nothing left to fill");
      for (const id of [a, b]) {
        for (const read of keptReads(shipped)) {
          // Kept by the fill, read at once (before the reads below could keep anything).
          const [row] = await sql<{ body: string; tail: string | null }[]>`
            select body, tail from analytics.learner_reads where user_id = ${id} and read = ${read}`;
          assert.ok(row, `${read} filled`);
        }
        await assertKeptAsBuilt(sql, id, times);
      }
    });

    await t.step("a body of another builder is not used, and is replaced", async () => {
      await sql`update analytics.learner_reads set builder = 'older', body = '{}' where user_id = ${a}`;
      await assertKeptAsBuilt(sql, a, times);
    });

    await t.step("a profile change (the name staff read)", async () => {
      await saveProfile(sql, a, { display_name: "Maya Okafor" });
      await forgotten(a);
      await assertKeptAsBuilt(sql, a, times);
      assert.match(
        (await keptReadBody(sql, a, "coaching_staff", shipped, times[0]))!,
        /Maya Okafor/,
      );
    });

    await t.step("a history import", async () => {
      const dir = await Deno.makeTempDir({ prefix: "pulse_kept_reads_" });
      dirs.push(dir);
      await Deno.mkdir(`${dir}/users`);
      await Deno.writeTextFile(
        `${dir}/users/history_${a}.json`,
        JSON.stringify([{
          session_id: crypto.randomUUID(),
          answer_id: "q1",
          ts: new Date(AS_OF.getTime() - 60 * DAY_MS).toISOString(),
          scores: { structure: 20 },
        }]),
      );
      const summary = await importHistoryDir(sql, dir, { catalog, lowRule }, memoryLog().sink);
      assert.equal(summary.eventsInserted, 1);
      await forgotten(a);
      await assertKeptAsBuilt(sql, a, times);
    });

    await t.step("export shows the kept rows; erase removes them", async () => {
      const exported = await exportLearner(sql, a);
      assert.equal(exported.learner_reads.length, keptReads(shipped).length);
      await eraseLearner(sql, a);
      await forgotten(a);
      for (const read of keptReads(shipped)) {
        assert.equal(await keptReadBody(sql, a, read, shipped), null);
      }
      await forgotten(a);
    });

    await t.step(
      "a read while a writer holds the learner's lock answers, keeps nothing",
      async () => {
        const before = await built(sql, b, "coaching_learner", times[0]);
        await sql`delete from analytics.learner_reads where user_id = ${b}`;
        const held = gate();
        const locked = gate();
        const writer = sql.begin(async (tx) => {
          await lockLearners(tx, [b]);
          locked.open();
          await held.opened;
        });
        await locked.opened;
        assert.equal(await keptReadBody(sql, b, "coaching_learner", shipped, times[0]), before);
        await forgotten(b);
        held.open();
        await writer;
        assert.equal(await keptReadBody(sql, b, "coaching_learner", shipped, times[0]), before);
        assert.equal((await keptRows(sql, b)).length, 1);
      },
    );
  } finally {
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
    await db.close();
  }
});
