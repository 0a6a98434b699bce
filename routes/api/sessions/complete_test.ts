import assert from "node:assert/strict";
import { startTestApp, type TestApp } from "../../../tests/harness.ts";

const id = () => crypto.randomUUID();

function completion(userId: string, extra: Record<string, unknown> = {}) {
  return {
    user_id: userId,
    completed_at: "2026-11-02T10:00:00Z",
    transcript: ["  Coach: Tell me about a system you built.  ", "", "Learner: A queue."],
    scorecard: { bce_score: 71.5, mcf_score: 64, cpo_score: null, notes: "solid", rubric: "v3" },
    ...extra,
  };
}

async function events(t: TestApp, sessionId: string, userId: string, sessions = 1) {
  const token = await t.token("service");
  const answers = Array.from({ length: 3 }, (_, i) => ({
    answer_id: `a${i}`,
    ts: new Date(Date.UTC(2026, 10, 2, 9, sessions, i)).toISOString(),
    pulse_step: "lead",
    scores: {
      communication: 70 + i * 10,
      system_design: 60,
      structure: 80,
      behavioral_examples: 75,
    },
  }));
  const res = await t.call("POST", `/api/sessions/${sessionId}/events`, {
    token,
    body: { user_id: userId, scenario_id: "backend-senior-1", answers },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function counts(t: TestApp, sessionId: string) {
  const [row] = await t.db.sql`
    select (select count(*)::int from analytics.session_transcripts where session_id = ${sessionId}) as transcripts,
           (select count(*)::int from analytics.scorecards where session_id = ${sessionId}) as scorecards`;
  return row;
}

Deno.test("session completion", async (step) => {
  const t = await startTestApp();
  const service = await t.token("service");
  try {
    await step.step(
      "stores transcript, scorecard and completion, then a snapshot",
      async (inner) => {
        const user = id();
        const [earlier, session] = [id(), id()];
        await events(t, earlier, user, 1);
        await events(t, session, user, 2);
        const res = await t.call("POST", `/api/sessions/${session}/complete`, {
          token: service,
          body: completion(user),
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        const body = res.body;
        assert.equal(body.session_id, session);
        assert.equal(body.user_id, user);
        assert.equal(body.completed_at, "2026-11-02T10:00:00.000Z");
        assert.equal(body.replayed, false);
        assert.deepEqual(body.transcript, {
          api_id: body.transcript.api_id,
          lines: 2,
          created: true,
        });
        assert.equal(typeof body.transcript.api_id, "number");
        assert.equal(body.scorecard.created, true);
        // The snapshot comes from the readiness engine: overall, band and delta are present.
        assert.equal(body.readiness.user_id, user);
        assert.equal(typeof body.readiness.overall, "number");
        assert.equal(typeof body.readiness.band, "string");
        assert.ok("delta" in body.readiness);
        assert.equal(body.readiness.meta.trigger, "session_completed");

        const [s] = await t.db.sql`
        select completed_at, scenario_id from analytics.sessions where session_id = ${session}`;
        assert.equal(s.completed_at.toISOString(), "2026-11-02T10:00:00.000Z");
        assert.equal(s.scenario_id, "backend-senior-1", "an existing session keeps its scenario");
        const [tr] = await t.db.sql`
        select user_id, transcript_lines, transcript_json, api_id
        from analytics.session_transcripts where session_id = ${session}`;
        assert.equal(tr.user_id, user);
        assert.deepEqual(tr.transcript_lines, [
          "Coach: Tell me about a system you built.",
          "Learner: A queue.",
        ]);
        assert.deepEqual(tr.transcript_json, completion(user).transcript);
        assert.equal(tr.api_id, body.transcript.api_id);
        const [sc] = await t.db.sql`
        select id, user_id, ts, bce_score, mcf_score, cpo_score, scorecard_json
        from analytics.scorecards where session_id = ${session}`;
        assert.deepEqual(
          [sc.id, sc.user_id, sc.ts.toISOString(), sc.bce_score, sc.mcf_score, sc.cpo_score],
          [body.scorecard.id, user, "2026-11-02T10:00:00.000Z", 71.5, 64, null],
        );
        assert.deepEqual(sc.scorecard_json, completion(user).scorecard);
        const snapshots = await t.db.sql`
        select id, band from analytics.user_readiness where user_id = ${user}`;
        assert.equal(snapshots.length, 1);
        assert.equal(snapshots[0].id, body.readiness.id);

        await inner.step("a retry writes nothing and returns the same completion", async () => {
          const again = await t.call("POST", `/api/sessions/${session}/complete`, {
            token: service,
            body: completion(user, {
              completed_at: "2026-11-02T11:00:00Z",
              scorecard: { bce_score: 10 },
            }),
          });
          assert.equal(again.status, 200, JSON.stringify(again.body));
          assert.equal(again.body.replayed, true);
          assert.deepEqual(again.body.transcript, { ...body.transcript, created: false });
          assert.deepEqual(again.body.scorecard, { ...body.scorecard, created: false });
          assert.equal(again.body.completed_at, body.completed_at, "first completion time stays");
          assert.deepEqual(again.body.readiness, body.readiness, "the snapshot of the first call");
          assert.deepEqual(await counts(t, session), { transcripts: 1, scorecards: 1 });
          const [{ n }] = await t.db.sql`
          select count(*)::int as n from analytics.user_readiness where user_id = ${user}`;
          assert.equal(n, 1, "no second snapshot");
          const [card] = await t.db.sql`
          select bce_score from analytics.scorecards where session_id = ${session}`;
          assert.equal(card.bce_score, 71.5, "first write wins");
        });
      },
    );

    await step.step(
      "concurrent identical completions store one transcript and scorecard",
      async () => {
        const user = id();
        const session = id();
        const results = await Promise.all(
          [0, 1, 2].map(() =>
            t.call("POST", `/api/sessions/${session}/complete`, {
              token: service,
              body: completion(user),
            })
          ),
        );
        assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 201]);
        assert.deepEqual(await counts(t, session), { transcripts: 1, scorecards: 1 });
        assert.equal(new Set(results.map((r) => r.body.scorecard.id)).size, 1);
      },
    );

    await step.step("a retry after a failed snapshot takes the snapshot", async () => {
      // As if the first call committed its writes and then failed while snapshotting.
      const user = id();
      const session = id();
      await t.db.sql`insert into analytics.learners (user_id) values (${user})`;
      await t.db.sql`insert into analytics.sessions (session_id, user_id, scenario_id, completed_at)
                     values (${session}, ${user}, 's', now())`;
      await t.db
        .sql`insert into analytics.session_transcripts (user_id, session_id, transcript_lines)
                     values (${user}, ${session}, '{a}')`;
      await t.db.sql`insert into analytics.scorecards (user_id, session_id, scorecard_json)
                     values (${user}, ${session}, '{}')`;
      const res = await t.call("POST", `/api/sessions/${session}/complete`, {
        token: service,
        body: completion(user),
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.replayed, true);
      assert.equal(res.body.readiness.band, "Insufficient evidence");
      const [{ n }] = await t.db.sql`
        select count(*)::int as n from analytics.user_readiness where user_id = ${user}`;
      assert.equal(n, 1);
    });

    await step.step("creates learner and session when missing; transcript shapes", async () => {
      const cases: [unknown, string[]][] = [
        ["  the whole transcript as one string \n ", ["the whole transcript as one string"]],
        [{ turns: [{ speaker: "coach", text: "hi" }] }, []],
        [[{ speaker: "coach", text: "hi" }, 7, null, " "], [
          '{"speaker":"coach","text":"hi"}',
          "7",
        ]],
        [[], []],
      ];
      for (const [transcript, lines] of cases) {
        const user = id();
        const session = id();
        const res = await t.call("POST", `/api/sessions/${session}/complete`, {
          token: service,
          body: { user_id: user, transcript, scorecard: {}, scenario_id: "behavioural-1" },
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.body.readiness.band, "Insufficient evidence");
        const [row] = await t.db.sql`
          select t.transcript_lines, t.transcript_json, s.scenario_id, s.completed_at, s.user_id
          from analytics.session_transcripts t join analytics.sessions s using (session_id)
          where session_id = ${session}`;
        assert.deepEqual(row.transcript_lines, lines);
        assert.deepEqual(row.transcript_json, transcript);
        assert.equal(row.scenario_id, "behavioural-1");
        assert.equal(row.user_id, user);
        assert.ok(row.completed_at instanceof Date, "completed_at defaults to now");
      }
      const noScenario = id();
      await t.call("POST", `/api/sessions/${noScenario}/complete`, {
        token: service,
        body: { user_id: id(), transcript: "x", scorecard: {} },
      });
      const [s] = await t.db.sql`
        select scenario_id from analytics.sessions where session_id = ${noScenario}`;
      assert.equal(s.scenario_id, "unknown");
    });

    await step.step("another learner's session → 409 and nothing written", async () => {
      const owner = id();
      const session = id();
      await events(t, session, owner);
      const res = await t.call("POST", `/api/sessions/${session}/complete`, {
        token: service,
        body: completion(id()),
      });
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, "conflict");
      assert.deepEqual(await counts(t, session), { transcripts: 0, scorecards: 0 });
      const [s] = await t.db.sql`
        select completed_at from analytics.sessions where session_id = ${session}`;
      assert.equal(s.completed_at, null);

      // A legacy scorecard of another learner: refused too, and the whole request rolls back.
      const legacy = id();
      const importedFor = id();
      // As the import stores it: the session claimed for its learner, then the scorecard.
      await t.db.sql`insert into analytics.session_owners (session_id, user_id)
                     values (${legacy}, ${importedFor})`;
      await t.db.sql`insert into analytics.scorecards (user_id, session_id, scorecard_json)
                     values (${importedFor}, ${legacy}, '{}')`;
      const clash = await t.call("POST", `/api/sessions/${legacy}/complete`, {
        token: service,
        body: completion(id()),
      });
      assert.equal(clash.status, 409);
      assert.deepEqual(await counts(t, legacy), { transcripts: 0, scorecards: 1 });
      const [{ n }] = await t.db.sql`
        select count(*)::int as n from analytics.sessions where session_id = ${legacy}`;
      assert.equal(n, 0);
    });

    await step.step("bad input → 400 with issues, nothing written", async () => {
      const user = id();
      const good = completion(user);
      const bad: [string, unknown, RegExp][] = [
        ["score above 100", { ...good, scorecard: { bce_score: 100.5 } }, /bce_score/],
        ["negative score", { ...good, scorecard: { mcf_score: -1 } }, /mcf_score/],
        ["score as text", { ...good, scorecard: { cpo_score: "80" } }, /cpo_score/],
        ["other *_score out of range", { ...good, scorecard: { star_score: 150 } }, /star_score/],
        ["transcript a number", { ...good, transcript: 42 }, /transcript/],
        ["transcript missing", { ...good, transcript: undefined }, /transcript/],
        ["scorecard missing", { ...good, scorecard: undefined }, /scorecard/],
        ["scorecard a list", { ...good, scorecard: [1] }, /scorecard/],
        ["bad user id", { ...good, user_id: "u1" }, /user_id/],
        ["bad completed_at", { ...good, completed_at: "today" }, /completed_at/],
        ["unknown field", { ...good, extra: 1 }, /extra|Unrecognized/],
      ];
      for (const [name, body, pattern] of bad) {
        const session = id();
        const res = await t.call("POST", `/api/sessions/${session}/complete`, {
          token: service,
          body,
        });
        assert.equal(res.status, 400, name);
        assert.equal(res.body.error.code, "invalid_request", name);
        assert.ok(res.body.error.issues.length > 0, name);
        assert.match(JSON.stringify(res.body.error.issues), pattern, name);
        assert.deepEqual(await counts(t, session), { transcripts: 0, scorecards: 0 }, name);
      }
      const badPath = await t.call("POST", `/api/sessions/nope/complete`, {
        token: service,
        body: good,
      });
      assert.equal(badPath.status, 400);
      const malformed = await t.call("POST", `/api/sessions/${id()}/complete`, {
        token: service,
        rawBody: "{",
      });
      assert.equal(malformed.status, 400);
      const [{ n }] = await t.db.sql`
        select count(*)::int as n from analytics.learners where user_id = ${user}`;
      assert.equal(n, 0);
    });

    await step.step("service and admin only", async () => {
      const user = id();
      const path = `/api/sessions/${id()}/complete`;
      const body = completion(user);
      assert.equal((await t.call("POST", path, { body })).status, 401);
      assert.equal(
        (await t.call("POST", path, { body, token: await t.token("learner", user) })).status,
        403,
      );
      assert.equal(
        (await t.call("POST", path, { body, token: await t.token("coach") })).status,
        403,
      );
      assert.equal(
        (await t.call("POST", path, { body, token: await t.token("admin") })).status,
        201,
      );
    });

    await step.step("described in the OpenAPI document", async () => {
      const doc = await t.call("GET", "/api/openapi.json");
      assert.ok(doc.body.paths["/api/sessions/{sessionId}/complete"].post);
      assert.ok(doc.body.paths["/api/sessions/{sessionId}/feedback"].get);
    });
  } finally {
    await t.close();
  }
});
