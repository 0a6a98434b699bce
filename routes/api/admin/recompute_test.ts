import assert from "node:assert/strict";
import { listSnapshots, withRecomputeLock } from "../../../lib/readiness/mod.ts";
import { importHistoryDir } from "../../../lib/legacy/import.ts";
import { startTestApp } from "../../../tests/harness.ts";
import { assertInvalid, recordLearnerA, recordSession } from "../../../tests/readiness_fixtures.ts";
import { catalog, lowRule } from "../../../tests/static_config.ts";

const PATH = "/api/admin/recompute-readiness";
const sessionIds = Array.from({ length: 6 }, () => crypto.randomUUID());

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
      // The first run checks everyone: A gets a snapshot, B's is unchanged.
      assert.equal(res.body.mode, "full");
      assert.equal(res.body.learners, 2);
      assert.equal(res.body.snapshots, 1);
      assert.equal(res.body.unchanged, 1);
      assert.equal(typeof res.body.duration_ms, "number");
      assert.equal(res.body.snapshot, undefined);
      assert.deepEqual((await listSnapshots(t.db.sql, b, 5)).map((s) => s.overall), [74]);
      // Recompute twice: nothing new, nothing written.
      const bare = await t.call("POST", PATH, { token: admin });
      assert.equal(bare.status, 200, JSON.stringify(bare.body));
      assert.equal(bare.body.mode, "incremental");
      assert.equal(bare.body.learners, 0);
      assert.equal(bare.body.snapshots, 0);
      const full = await t.call("POST", PATH, { token: admin, body: { full: true } });
      assert.deepEqual([full.body.learners, full.body.snapshots, full.body.unchanged], [2, 0, 2]);
      const one = await t.call("POST", PATH, { token: admin, body: { user_id: b } });
      assert.deepEqual([one.body.snapshots, one.body.unchanged], [0, 1]);
      assert.equal(one.body.snapshot.overall, 74);
      const none = await t.call("POST", PATH, {
        token: admin,
        body: { active_since: "2999-01-01T00:00:00Z" },
      });
      assert.equal(none.body.learners, 0);
    });

    await step.step("rebuild of a 6-session imported history: six snapshots, twice", async () => {
      const u = crypto.randomUUID();
      const dir = await Deno.makeTempDir({ prefix: "pulse_rebuild_" });
      const times = [2, 5, 10, 20, 30, 40].map((d) =>
        new Date(Date.UTC(2026, 9, 1) + d * 86_400_000)
      );
      try {
        await Deno.mkdir(`${dir}/users`, { recursive: true });
        await Deno.writeTextFile(
          `${dir}/users/history_${u}.json`,
          JSON.stringify(times.flatMap((ts, i) => [
            {
              session_id: sessionIds[i],
              answer_id: "a1",
              ts: new Date(ts.getTime() - 600_000).toISOString(),
              scores: { communication: 50 + i * 5, structure: 40 + i * 6 },
            },
            {
              session_id: sessionIds[i],
              answer_id: "a2",
              ts: ts.toISOString(),
              scores: { technical_depth: 55 + i * 4, behavioral_examples: 60 + i * 3 },
            },
          ])),
        );
        const summary = await importHistoryDir(t.db.sql, dir, { catalog, lowRule }, () => {});
        assert.equal(summary.failed, 0);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
      // A recompute before the rebuild: one snapshot, as of the last session.
      await t.call("POST", PATH, { token: admin, body: { user_id: u } });
      // A snapshot from before event time (dated when it was computed, no session's moment): the
      // rebuild removes it.
      await t.db.sql`
        insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
        values (${u}, '2020-01-01T00:00:00Z', 12, 'Developing', '{"formula_version": "v0"}')`;
      const expected = times.map((ts) => ts.toISOString()).reverse();
      let ids: number[] = [];
      for (let run = 0; run < 2; run++) {
        const res = await t.call("POST", PATH, {
          token: admin,
          body: { user_id: u, rebuild: true },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.mode, "rebuild");
        // The first run writes the six sessions' snapshots (correcting the recompute's, dated at
        // the last session, in place); the second finds all six as they should be.
        assert.deepEqual(
          [res.body.snapshots, res.body.unchanged],
          run === 0 ? [6, 0] : [0, 6],
          `run ${run + 1}`,
        );
        const history = await listSnapshots(t.db.sql, u, 100);
        if (run === 1) assert.deepEqual(history.map((s) => s.id), ids, "same snapshots, same ids");
        ids = history.map((s) => s.id);
        assert.deepEqual(history.map((s) => s.ts), expected, `run ${run + 1}`);
        assert.deepEqual(
          history.map((s) => s.meta.session_id).reverse(),
          sessionIds,
          "each dated by its session",
        );
        assert.ok(history.every((s) => s.meta.trigger === "admin"));
      }
      // After the rebuild a recompute finds nothing new.
      const after = await t.call("POST", PATH, { token: admin, body: {} });
      assert.equal(after.body.snapshots, 0);
      const all = await t.call("POST", PATH, { token: admin, body: { rebuild: true } });
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.equal(all.body.learners, 3);
      assert.equal((await listSnapshots(t.db.sql, u, 100)).length, 6);
    });

    await step.step("while another recompute runs: 409, nothing done", async () => {
      await withRecomputeLock(t.db.sql, async () => {
        const busy = await t.call("POST", PATH, { token: admin, body: { full: true } });
        assert.equal(busy.status, 409, JSON.stringify(busy.body));
        assert.equal(busy.body.error.code, "busy");
      });
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
