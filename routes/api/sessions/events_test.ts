import assert from "node:assert/strict";
import { setSink } from "../../../lib/log.ts";
import { startTestApp, type TestApp } from "../../../tests/harness.ts";

const SKILLS = ["communication", "technical_depth", "structure", "behavioral_examples"];

function batch(userId: string, answers: number, start = 0) {
  return {
    user_id: userId,
    scenario_id: "backend-senior-1",
    answers: Array.from({ length: answers }, (_, i) => ({
      answer_id: `a${start + i}`,
      ts: new Date(Date.UTC(2026, 10, 1, 10, 0, start + i)).toISOString(),
      pulse_step: "lead",
      scores: Object.fromEntries(SKILLS.map((s, k) => [s, (start + i * 7 + k * 13) % 101])),
      raw_metrics: { filler_words: i, talk_time_s: 30 + i },
      notes: i === 0 ? "first answer" : undefined,
    })),
  };
}

async function count(t: TestApp, sessionId?: string): Promise<number> {
  const [{ n }] = sessionId
    ? await t.db
      .sql`select count(*)::int as n from analytics.session_events where session_id = ${sessionId}`
    : await t.db.sql`select count(*)::int as n from analytics.session_events`;
  return n;
}

Deno.test("event capture", async (step) => {
  const t = await startTestApp();
  const service = await t.token("service");
  try {
    await step.step(
      "multi-answer multi-skill request writes one row per answer × skill",
      async () => {
        const user = crypto.randomUUID();
        const session = crypto.randomUUID();
        const res = await t.call("POST", `/api/sessions/${session}/events`, {
          token: service,
          body: {
            user_id: user,
            scenario_id: "sys-design-1",
            answers: [
              {
                answer_id: "q1",
                ts: "2026-11-02T09:00:00Z",
                pulse_step: "understand",
                scores: { communication: 72.5, probe: 60 },
                raw_metrics: { filler_words: 3 },
                notes: "asked about scale",
              },
              {
                answer_id: "q2",
                ts: "2026-11-02T09:05:00+01:00",
                pulse_step: "lead",
                scores: { system_design: 81, structure: 0, communication: 100 },
              },
            ],
          },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(res.body, {
          session_id: session,
          rows: 5,
          inserted: 5,
          already_present: 0,
        });
        const rows = await t.db.sql`
        select user_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score, raw_metrics, notes
        from analytics.session_events where session_id = ${session} order by answer_id, skill_tag`;
        assert.deepEqual(rows.map((r) => [r.answer_id, r.skill_tag, r.score, r.pulse_step]), [
          ["q1", "communication", 72.5, "understand"],
          ["q1", "probe", 60, "understand"],
          ["q2", "communication", 100, "lead"],
          ["q2", "structure", 0, "lead"],
          ["q2", "system_design", 81, "lead"],
        ]);
        assert.ok(rows.every((r) => r.user_id === user && r.scenario_id === "sys-design-1"));
        assert.deepEqual(rows[0].raw_metrics, { filler_words: 3 });
        assert.equal(rows[0].notes, "asked about scale");
        assert.equal(rows[2].raw_metrics, null);
        assert.equal(rows[2].ts.toISOString(), "2026-11-02T08:05:00.000Z");
        const [s] = await t.db
          .sql`select user_id, scenario_id, started_at from analytics.sessions where session_id = ${session}`;
        assert.equal(s.user_id, user);
        assert.equal(s.started_at.toISOString(), "2026-11-02T08:05:00.000Z");
        const [l] = await t.db
          .sql`select count(*)::int as n from analytics.learners where user_id = ${user}`;
        assert.equal(l.n, 1);
      },
    );

    await step.step(
      "the same request twice adds no rows; a partly new one adds only the new rows",
      async () => {
        const user = crypto.randomUUID();
        const session = crypto.randomUUID();
        const first = await t.call("POST", `/api/sessions/${session}/events`, {
          token: service,
          body: batch(user, 3),
        });
        assert.deepEqual(first.body, {
          session_id: session,
          rows: 12,
          inserted: 12,
          already_present: 0,
        });
        const again = await t.call("POST", `/api/sessions/${session}/events`, {
          token: service,
          body: batch(user, 3),
        });
        assert.equal(again.status, 200);
        assert.deepEqual(again.body, {
          session_id: session,
          rows: 12,
          inserted: 0,
          already_present: 12,
        });
        assert.equal(await count(t, session), 12);
        const overlap = await t.call("POST", `/api/sessions/${session}/events`, {
          token: service,
          body: batch(user, 3, 2),
        });
        assert.deepEqual(overlap.body, {
          session_id: session,
          rows: 12,
          inserted: 8,
          already_present: 4,
        });
        assert.equal(await count(t, session), 20);
      },
    );

    await step.step("bad input → 400 with issues and nothing written", async () => {
      const user = crypto.randomUUID();
      const good = batch(user, 2);
      const before = await count(t);
      const bad: [string, unknown, RegExp][] = [
        ["score above 100", {
          ...good,
          answers: [{ ...good.answers[0], scores: { communication: 101 } }],
        }, /<=100/],
        ["negative score", {
          ...good,
          answers: [{ ...good.answers[0], scores: { communication: -1 } }],
        }, />=0/],
        ["score not a number", {
          ...good,
          answers: [{ ...good.answers[0], scores: { communication: "80" } }],
        }, /number/],
        ["unknown skill tag", {
          ...good,
          answers: [good.answers[1], { ...good.answers[0], scores: { charisma: 50 } }],
        }, /unknown skill tag 'charisma'; allowed: communication, technical_depth/],
        [
          "unknown pulse step",
          { ...good, answers: [{ ...good.answers[0], pulse_step: "dance" }] },
          /pulse_step/,
        ],
        [
          "no scores",
          { ...good, answers: [{ ...good.answers[0], scores: {} }] },
          /at least one skill score/,
        ],
        ["bad user id", { ...good, user_id: "user-1" }, /user_id/],
        ["bad timestamp", { ...good, answers: [{ ...good.answers[0], ts: "yesterday" }] }, /ts/],
        [
          "duplicate answer ids",
          { ...good, answers: [good.answers[0], good.answers[0]] },
          /duplicate answer_id/,
        ],
        ["no answers", { ...good, answers: [] }, /answers/],
        ["too many answers", batch(user, 1001), /answers/],
        ["unexpected field", { ...good, extra: 1 }, /extra|Unrecognized/],
      ];
      for (const [name, body, pattern] of bad) {
        const res = await t.call("POST", `/api/sessions/${crypto.randomUUID()}/events`, {
          token: service,
          body,
        });
        assert.equal(res.status, 400, name);
        assert.equal(res.body.error.code, "invalid_request", name);
        assert.ok(Array.isArray(res.body.error.issues) && res.body.error.issues.length > 0, name);
        assert.match(JSON.stringify(res.body.error), pattern, name);
      }
      const badSession = await t.call("POST", `/api/sessions/not-a-uuid/events`, {
        token: service,
        body: good,
      });
      assert.equal(badSession.status, 400);
      const malformed = await t.call("POST", `/api/sessions/${crypto.randomUUID()}/events`, {
        token: service,
        rawBody: "{oops",
      });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, "bad_request");
      assert.equal(await count(t), before);
      const [{ n }] = await t.db
        .sql`select count(*)::int as n from analytics.learners where user_id = ${user}`;
      assert.equal(n, 0);
    });

    await step.step("body over 1 MiB → 413, nothing written", async () => {
      const before = await count(t);
      const body = batch(crypto.randomUUID(), 10);
      body.answers[0].notes = "x".repeat(1024 * 1024);
      const res = await t.call("POST", `/api/sessions/${crypto.randomUUID()}/events`, {
        token: service,
        body,
      });
      assert.equal(res.status, 413);
      assert.equal(res.body.error.code, "payload_too_large");
      assert.equal(await count(t), before);
    });

    await step.step("a session of another learner → 409, nothing written", async () => {
      const session = crypto.randomUUID();
      await t.call("POST", `/api/sessions/${session}/events`, {
        token: service,
        body: batch(crypto.randomUUID(), 1),
      });
      const res = await t.call("POST", `/api/sessions/${session}/events`, {
        token: service,
        body: batch(crypto.randomUUID(), 1, 5),
      });
      assert.equal(res.status, 409);
      assert.equal(await count(t, session), 4);
    });

    await step.step("a failure inside the transaction leaves nothing half-written", async () => {
      const user = crypto.randomUUID();
      const session = crypto.randomUUID();
      // Valid input that the database refuses on its last row: the whole request must roll back.
      await t.db
        .sql`alter table analytics.session_events add constraint test_no_step_evaluate check (pulse_step <> 'evaluate')`;
      try {
        const body = batch(user, 3);
        body.answers[2].pulse_step = "evaluate";
        // The 500 is logged as an unhandled error: kept (and checked) here rather than printed.
        const logged: string[] = [];
        const restoreSink = setSink((line) => logged.push(line));
        let res;
        try {
          res = await t.call("POST", `/api/sessions/${session}/events`, {
            token: service,
            body,
          });
        } finally {
          restoreSink();
        }
        assert.equal(res.status, 500);
        assert.match(logged.join("\n"), /unhandled error/);
        assert.equal(res.body.error.code, "internal");
        assert.equal(await count(t, session), 0);
        const [{ n }] = await t.db
          .sql`select count(*)::int as n from analytics.sessions where session_id = ${session}`;
        assert.equal(n, 0);
      } finally {
        await t.db.sql`alter table analytics.session_events drop constraint test_no_step_evaluate`;
      }
    });

    await step.step("401 without or with a bad token, 403 for learner and coach", async () => {
      const path = `/api/sessions/${crypto.randomUUID()}/events`;
      const body = batch(crypto.randomUUID(), 1);
      assert.equal((await t.call("POST", path, { body })).status, 401);
      assert.equal((await t.call("POST", path, { body, token: "garbage" })).status, 401);
      const learner = await t.call("POST", path, {
        body,
        token: await t.token("learner", body.user_id),
      });
      assert.equal(learner.status, 403);
      assert.equal(learner.body.error.code, "forbidden");
      assert.equal(
        (await t.call("POST", path, { body, token: await t.token("coach") })).status,
        403,
      );
      assert.equal(
        (await t.call("POST", path, { body, token: await t.token("admin") })).status,
        200,
      );
      // Authentication is checked before the body: no token + bad body is still 401.
      assert.equal((await t.call("POST", path, { rawBody: "{oops" })).status, 401);
    });
  } finally {
    await t.close();
  }
});
