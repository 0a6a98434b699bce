import assert from "node:assert/strict";
import { putBlob, startAzurite } from "../../../tests/azurite.ts";
import { startTestApp } from "../../../tests/harness.ts";

const id = () => crypto.randomUUID();

Deno.test("session feedback: Postgres first, legacy blob fallback", async (step) => {
  const azurite = await startAzurite();
  const container = await azurite.container("feedback-sessions");
  const t = await startTestApp({
    env: {
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      PULSE_SESSIONS_CONTAINER: "feedback-sessions",
    },
  });
  const service = await t.token("service");
  const get = async (sessionId: string, token?: string) =>
    await t.call("GET", `/api/sessions/${sessionId}/feedback`, { token: token ?? service });
  try {
    const user = id();
    const session = id();

    await step.step("from the database: transcript, scorecard, per-skill summary", async () => {
      const answers = [
        { communication: 70, system_design: 55 },
        { communication: 80.5 },
        { communication: 91, system_design: 65 },
      ].map((scores, i) => ({
        answer_id: `q${i}`,
        ts: `2026-11-02T09:0${i}:00Z`,
        pulse_step: "lead",
        scores,
      }));
      assert.equal(
        (await t.call("POST", `/api/sessions/${session}/events`, {
          token: service,
          body: { user_id: user, scenario_id: "s1", answers },
        })).status,
        200,
      );
      const done = await t.call("POST", `/api/sessions/${session}/complete`, {
        token: service,
        body: {
          user_id: user,
          completed_at: "2026-11-02T09:30:00Z",
          transcript: [" Coach: hi ", "Learner: hello"],
          scorecard: { bce_score: 70, mcf_score: 61.25, summary: "good" },
        },
      });
      assert.equal(done.status, 201, JSON.stringify(done.body));
      // A blob for the same session must not be used: Postgres is the system of record.
      await putBlob(container, `sessions/${session}/transcript.json`, { transcript: ["stale"] });

      const res = await get(session, await t.token("learner", user));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const body = res.body;
      assert.equal(body.source, "db");
      assert.equal(body.session_id, session);
      assert.equal(body.user_id, user);
      assert.deepEqual(body.transcript.lines, ["Coach: hi", "Learner: hello"]);
      assert.deepEqual(body.transcript.json, [" Coach: hi ", "Learner: hello"]);
      assert.equal(body.transcript.api_id, done.body.transcript.api_id);
      assert.deepEqual(
        [
          body.scorecard.id,
          body.scorecard.ts,
          body.scorecard.bce_score,
          body.scorecard.mcf_score,
          body.scorecard.cpo_score,
        ],
        [done.body.scorecard.id, "2026-11-02T09:30:00.000Z", 70, 61.25, null],
      );
      assert.deepEqual(body.scorecard.scorecard_json, {
        bce_score: 70,
        mcf_score: 61.25,
        summary: "good",
      });
      // (70 + 80.5 + 91) / 3 = 80.5; (55 + 65) / 2 = 60
      assert.deepEqual(body.skills, [
        { skill_tag: "communication", answers: 3, avg_score: 80.5, min_score: 70, max_score: 91 },
        { skill_tag: "system_design", answers: 2, avg_score: 60, min_score: 55, max_score: 65 },
      ]);
      for (const role of ["coach", "admin"] as const) {
        assert.equal((await get(session, await t.token(role))).status, 200, role);
      }
      const other = await get(session, await t.token("learner", id()));
      assert.equal(other.status, 403);
      assert.equal(other.body.error.code, "forbidden");
    });

    await step.step("from the blob when Postgres has no transcript", async () => {
      const legacy = id();
      const owner = id();
      const doc = { session_id: legacy, transcript: [" one ", "", { speaker: "c", text: "two" }] };
      await putBlob(container, `sessions/${legacy}/transcript.json`, doc);
      await putBlob(container, `sessions/${legacy}/session.json`, { user_id: owner });
      const res = await get(legacy);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.source, "blob");
      assert.equal(res.body.user_id, owner);
      assert.deepEqual(res.body.transcript, {
        api_id: null,
        lines: ["one", '{"speaker":"c","text":"two"}'],
        json: doc,
        created_at: null,
      });
      assert.equal(res.body.scorecard, null);
      assert.deepEqual(res.body.skills, []);
      assert.equal((await get(legacy, await t.token("learner", owner))).status, 200);
      assert.equal((await get(legacy, await t.token("learner", id()))).status, 403);
      const [{ n }] = await t.db.sql`
        select count(*)::int as n from analytics.session_transcripts where session_id = ${legacy}`;
      assert.equal(n, 0, "reading does not write");

      // A blob without session.json: the owner is unknown, so no learner may read it.
      const orphan = id();
      await putBlob(container, `sessions/${orphan}/transcript.json`, JSON.stringify("just text"));
      const anon = await get(orphan, await t.token("coach"));
      assert.equal(anon.status, 200);
      assert.deepEqual([anon.body.user_id, anon.body.transcript.lines], [null, ["just text"]]);
      assert.equal((await get(orphan, await t.token("learner", id()))).status, 403);
    });

    await step.step(
      "a scorecard alone (legacy import) is feedback without a transcript",
      async () => {
        const s = id();
        const owner = id();
        await t.db.sql`insert into analytics.session_owners (session_id, user_id)
                       values (${s}, ${owner})`;
        await t.db
          .sql`insert into analytics.scorecards (user_id, session_id, cpo_score, scorecard_json)
                     values (${owner}, ${s}, 88, '{"cpo_score": 88}')`;
        const res = await get(s, await t.token("learner", owner));
        assert.equal(res.status, 200);
        assert.deepEqual(
          [res.body.source, res.body.transcript, res.body.scorecard.cpo_score],
          ["db", null, 88],
        );
      },
    );

    await step.step("404 for an unknown session; malformed blob → 502", async () => {
      const none = await get(id());
      assert.equal(none.status, 404);
      assert.equal(none.body.error.code, "not_found");
      // A session with scored answers but neither transcript nor scorecard yet: what exists.
      const open = id();
      await t.call("POST", `/api/sessions/${open}/events`, {
        token: service,
        body: {
          user_id: user,
          scenario_id: "s",
          answers: [{
            answer_id: "a",
            ts: "2026-11-03T09:00:00Z",
            pulse_step: "lead",
            scores: { probe: 50 },
          }],
        },
      });
      const partial = await get(open);
      assert.equal(partial.status, 200);
      assert.deepEqual(
        [
          partial.body.user_id,
          partial.body.source,
          partial.body.transcript,
          partial.body.scorecard,
        ],
        [user, "db", null, null],
      );
      assert.deepEqual(partial.body.skills, [
        { skill_tag: "probe", answers: 1, avg_score: 50, min_score: 50, max_score: 50 },
      ]);
      assert.equal((await get(open, await t.token("learner", user))).status, 200);
      assert.equal((await get(open, await t.token("learner", id()))).status, 403);

      const broken = id();
      await putBlob(container, `sessions/${broken}/transcript.json`, "{oops");
      const res = await get(broken);
      assert.equal(res.status, 502);
      assert.match(res.body.error.message, /invalid JSON in sessions\/.+\/transcript\.json/);
    });

    await step.step("401 without a token, 400 for a bad session id", async () => {
      assert.equal((await t.call("GET", `/api/sessions/${session}/feedback`)).status, 401);
      assert.equal((await get("not-a-uuid")).status, 400);
    });
  } finally {
    await t.close();
    await azurite.stop();
  }
});

Deno.test("session feedback without blob storage configured: Postgres only", async () => {
  const t = await startTestApp();
  try {
    const res = await t.call("GET", `/api/sessions/${id()}/feedback`, {
      token: await t.token("admin"),
    });
    assert.equal(res.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("session feedback when blob storage is unreachable → 503", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const t = await startTestApp({
    env: {
      AZURE_STORAGE_CONNECTION_STRING:
        `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${
          btoa("k".repeat(32))
        };BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
    },
  });
  try {
    const res = await t.call("GET", `/api/sessions/${id()}/feedback`, {
      token: await t.token("service"),
    });
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, "storage_unavailable");
  } finally {
    await t.close();
  }
});
