import assert from "node:assert/strict";
import { MAX_BODY_BYTES, MAX_PAGE_BODY_BYTES } from "../app.ts";
import { MAX_JSON_DEPTH } from "../lib/validation.ts";
import { startTestApp, type TestApp } from "../tests/harness.ts";

/** Rows in every analytics table, summed: hostile requests must leave it unchanged. */
async function totalRows(t: TestApp): Promise<number> {
  const tables = await t.db.sql<{ name: string }[]>`
    select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'analytics'`;
  let total = 0;
  for (const { name } of tables) {
    const [{ n }] = await t.db.sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from ${name}`,
    );
    total += n;
  }
  return total;
}

function answers(over: Record<string, unknown> = {}, answer: Record<string, unknown> = {}) {
  return {
    user_id: crypto.randomUUID(),
    scenario_id: "backend-senior-1",
    answers: [{
      answer_id: "q1",
      ts: "2026-11-02T09:00:00Z",
      pulse_step: "lead",
      scores: { communication: 70 },
      ...answer,
    }],
    ...over,
  };
}

/** A body sent as a stream without Content-Length (chunked), like a client that lies about size. */
function streamOf(bytes: number, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const n = Math.min(chunk, bytes - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
}

Deno.test("hostile input", async (step) => {
  const t = await startTestApp();
  const service = await t.token("service");
  const admin = await t.token("admin");
  const events = () => `/api/sessions/${crypto.randomUUID()}/events`;
  const before = await totalRows(t);
  try {
    await step.step("NUL in a body string → 400 naming the field", async () => {
      const res = await t.call("POST", events(), {
        token: service,
        body: answers({}, { notes: "a\u0000b" }),
      });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, "invalid_request");
      assert.deepEqual(res.body.error.issues[0].path, ["answers", 0, "notes"]);
      assert.match(res.body.error.message, /answers\.0\.notes: must not contain a NUL/);
    });

    await step.step("NUL in a JSON key (raw_metrics) → 400 naming the key", async () => {
      const res = await t.call("POST", events(), {
        token: service,
        body: answers({}, { raw_metrics: { "filler\u0000": 1 } }),
      });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.deepEqual(res.body.error.issues[0].path, [
        "answers",
        0,
        "raw_metrics",
        "filler\\u0000",
      ]);
    });

    await step.step("unpaired surrogates (high, low, escaped) → 400 naming the field", async () => {
      for (const bad of ["\ud800", "x\udc00y", "\udbff"]) {
        const res = await t.call("POST", events(), {
          token: service,
          body: answers({ scenario_id: bad }),
        });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.deepEqual(res.body.error.issues[0].path, ["scenario_id"]);
        assert.match(res.body.error.message, /surrogate/);
      }
      // A JSON escape of a lone surrogate in the raw text, and a valid pair that must pass.
      const raw = JSON.stringify(answers({ scenario_id: "PLACEHOLDER" })).replace(
        "PLACEHOLDER",
        "\\ud83d",
      );
      const res = await t.call("POST", events(), { token: service, rawBody: raw });
      assert.equal(res.status, 400);
      const ok = await t.call("POST", events(), {
        token: service,
        body: answers({ scenario_id: "emoji 😀 ok" }),
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      await t.db
        .sql`truncate analytics.session_events, analytics.sessions, analytics.session_owners,
          analytics.readiness_pending, analytics.learners, analytics.learner_directory,
          analytics.learner_profile_counts cascade`;
    });

    await step.step("NUL in a query value or a path parameter → 400 naming it", async () => {
      const user = crypto.randomUUID();
      const q = await t.call("GET", `/api/users/${user}/skills/trends?skill_tag=probe%00`, {
        token: admin,
      });
      assert.equal(q.status, 400, JSON.stringify(q.body));
      assert.deepEqual(q.body.error.issues[0].path, ["skill_tag"]);
      const p = await t.call("GET", `/api/users/${user}%00/readiness`, { token: admin });
      assert.equal(p.status, 400, JSON.stringify(p.body));
      assert.deepEqual(p.body.error.issues[0].path, ["userId"]);
      const page = await t.call("GET", `/learners/%00`, {});
      assert.equal(page.status, 400);
      // A lone surrogate can only arrive as malformed percent-encoding (WTF-8): refused as well.
      const lone = await t.call("GET", `/api/cohorts/time-to-readiness?level=%ED%A0%80`, {
        token: admin,
      });
      assert.equal(lone.status, 400);
      assert.match(lone.body.error.message, /level: is not valid percent-encoded UTF-8/);
      const lonePath = await t.call("GET", `/api/users/%ED%A0%80/readiness`, { token: admin });
      assert.equal(lonePath.status, 400);
      assert.deepEqual(lonePath.body.error.issues[0].path, ["userId"]);
    });

    await step.step("20,000-deep nesting → 400, without parsing it", async () => {
      const deep = "[".repeat(20_000) + "]".repeat(20_000);
      for (const body of [deep, `{"user_id":${deep}}`]) {
        const res = await t.call("POST", events(), { token: service, rawBody: body });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.match(res.body.error.message, new RegExp(`deeper than ${MAX_JSON_DEPTH}`));
      }
      // At the limit is fine as far as nesting goes (the schema then refuses the shape).
      const atLimit = `{"user_id":${"[".repeat(MAX_JSON_DEPTH - 1)}${
        "]".repeat(MAX_JSON_DEPTH - 1)
      }}`;
      const res = await t.call("POST", events(), { token: service, rawBody: atLimit });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.error.issues[0].path, ["user_id"]);
    });

    await step.step("malformed JSON → 400; without a token 401 first", async () => {
      const res = await t.call("POST", events(), { token: service, rawBody: '{"user_id": ' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, "bad_request");
      assert.match(res.body.error.message, /Malformed JSON/);
      const anonymous = await t.call("POST", events(), { rawBody: "[".repeat(10_000) });
      assert.equal(anonymous.status, 401);
    });

    await step.step("non-JSON content types on the API → 415", async () => {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
        const res = await t.app.request(events(), {
          method: "POST",
          headers: { authorization: `Bearer ${service}`, "content-type": type },
          body: JSON.stringify(answers()),
        });
        assert.equal(res.status, 415, type);
        assert.equal((await res.json()).error.code, "unsupported_media_type");
      }
      const none = await t.app.request(events(), {
        method: "POST",
        headers: { authorization: `Bearer ${service}` },
        body: new TextEncoder().encode(JSON.stringify(answers())),
      });
      assert.equal(none.status, 415);
      const optional = await t.app.request("/api/admin/recompute-readiness", {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "text/plain" },
        body: "{}",
      });
      assert.equal(optional.status, 415);
      const charset = await t.app.request(events(), {
        method: "POST",
        headers: {
          authorization: `Bearer ${service}`,
          "content-type": "application/json; charset=utf-8",
        },
        body: JSON.stringify(answers({ scenario_id: "" })),
      });
      assert.equal(charset.status, 400); // reached the schema
    });

    await step.step("body limits: API 413 (declared and streamed)", async () => {
      const declared = await t.app.request(events(), {
        method: "POST",
        headers: {
          authorization: `Bearer ${service}`,
          "content-type": "application/json",
          "content-length": String(MAX_BODY_BYTES + 1),
        },
        body: " ".repeat(MAX_BODY_BYTES + 1),
      });
      assert.equal(declared.status, 413);
      assert.equal((await declared.json()).error.code, "payload_too_large");
      const streamed = await t.app.request(events(), {
        method: "POST",
        headers: { authorization: `Bearer ${service}`, "content-type": "application/json" },
        body: streamOf(MAX_BODY_BYTES + 1),
      });
      assert.equal(streamed.status, 413);
    });

    await step.step("body limits: pages and /demo 413 without reading the whole body", async () => {
      let pulled = 0;
      const huge = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 64 * 1024;
          if (pulled > 1024 * 1024 * 1024) return controller.close(); // 1 GiB
          controller.enqueue(new Uint8Array(64 * 1024).fill(0x61));
        },
      });
      const res = await t.app.request("/demo", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: huge,
      });
      assert.equal(res.status, 413);
      assert.ok(pulled <= MAX_PAGE_BODY_BYTES + 2 * 64 * 1024, `read ${pulled} bytes`);
      for (const path of ["/sign-out", "/dashboard", "/"]) {
        const page = await t.app.request(path, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: streamOf(MAX_PAGE_BODY_BYTES + 1),
        });
        assert.equal(page.status, 413, path);
      }
    });

    await step.step("NUL in a form field → 400 naming it", async () => {
      const res = await t.app.request("/demo", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "user_id=abc%00",
      });
      assert.equal(res.status, 400);
      assert.deepEqual((await res.json()).error.issues[0].path, ["user_id"]);
    });

    await step.step("nothing was written by any of it", async () => {
      assert.equal(await totalRows(t), before);
    });
  } finally {
    await t.close();
  }
});

Deno.test("timestamps: unstorable or future → 400 naming the field, nothing written", async (step) => {
  const t = await startTestApp();
  const service = await t.token("service");
  const admin = await t.token("admin");
  const before = await totalRows(t);
  try {
    const future = new Date(Date.now() + 10 * 60_000).toISOString();
    const cases: [string, RegExp][] = [
      ["0000-01-01T00:00:00Z", /year 0000/],
      ["2026-11-02T09:00:00+16:00", /\+16:00 is out of range/],
      ["2026-11-02T09:00:00-23:59", /-23:59 is out of range/],
      [future, /more than 5 minutes in the future/],
    ];
    await step.step("answers' ts", async () => {
      for (const [ts, message] of cases) {
        const res = await t.call("POST", `/api/sessions/${crypto.randomUUID()}/events`, {
          token: service,
          body: answers({}, { ts }),
        });
        assert.equal(res.status, 400, ts);
        assert.deepEqual(res.body.error.issues[0].path, ["answers", 0, "ts"], ts);
        assert.match(res.body.error.message, message, ts);
      }
    });
    await step.step("a completion's completed_at", async () => {
      for (const [completed_at, message] of cases) {
        const res = await t.call("POST", `/api/sessions/${crypto.randomUUID()}/complete`, {
          token: service,
          body: { user_id: crypto.randomUUID(), completed_at, transcript: [], scorecard: {} },
        });
        assert.equal(res.status, 400, completed_at);
        assert.deepEqual(res.body.error.issues[0].path, ["completed_at"]);
        assert.match(res.body.error.message, message);
      }
    });
    await step.step("recompute's active_since", async () => {
      const res = await t.call("POST", "/api/admin/recompute-readiness", {
        token: admin,
        body: { active_since: "0000-03-01T00:00:00Z" },
      });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.error.issues[0].path, ["active_since"]);
    });
    await step.step("just inside the limits is accepted", async () => {
      const soon = new Date(Date.now() + 4 * 60_000).toISOString();
      for (const ts of [soon, "2026-11-02T09:00:00-15:59", "0001-01-01T00:00:00Z"]) {
        const res = await t.call("POST", `/api/sessions/${crypto.randomUUID()}/events`, {
          token: service,
          body: answers({}, { ts }),
        });
        assert.equal(res.status, 200, `${ts} ${JSON.stringify(res.body)}`);
      }
      await t.db
        .sql`truncate analytics.session_events, analytics.sessions, analytics.session_owners,
          analytics.readiness_pending, analytics.learners, analytics.learner_directory,
          analytics.learner_profile_counts cascade`;
    });
    assert.equal(await totalRows(t), before);
  } finally {
    await t.close();
  }
});

Deno.test("vocabulary: steps and skills by key or label in any case, stored as the key", async () => {
  const t = await startTestApp();
  const service = await t.token("service");
  try {
    const session = crypto.randomUUID();
    const body = answers({}, {}) as { answers: Record<string, unknown>[] };
    body.answers = [
      {
        answer_id: "a1",
        ts: "2026-11-02T09:00:00Z",
        pulse_step: "Understand",
        scores: { Probing: 60 },
      },
      {
        answer_id: "a2",
        ts: "2026-11-02T09:01:00Z",
        pulse_step: "PROBE",
        scores: { "Technical depth": 70, COMMUNICATION: 80 },
      },
      {
        answer_id: "a3",
        ts: "2026-11-02T09:02:00Z",
        pulse_step: "probe",
        scores: { "system-design": 50 },
      },
    ];
    const res = await t.call("POST", `/api/sessions/${session}/events`, { token: service, body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const rows = await t.db.sql<{ answer_id: string; pulse_step: string; skill_tag: string }[]>`
      select answer_id, pulse_step, skill_tag from analytics.session_events
      where session_id = ${session} order by answer_id, skill_tag`;
    assert.deepEqual(rows.map((r) => [r.answer_id, r.pulse_step, r.skill_tag]), [
      ["a1", "understand", "probe"],
      ["a2", "probe", "communication"],
      ["a2", "probe", "technical_depth"],
      ["a3", "probe", "system_design"],
    ]);
    // Unknown values still fail the whole batch, listing what is allowed.
    const unknownStep = await t.call("POST", `/api/sessions/${crypto.randomUUID()}/events`, {
      token: service,
      body: answers({}, { pulse_step: "Dance" }),
    });
    assert.equal(unknownStep.status, 400);
    assert.deepEqual(unknownStep.body.error.issues[0].path, ["answers", 0, "pulse_step"]);
    assert.match(
      unknownStep.body.error.message,
      /unknown pulse step 'Dance'; allowed: prepare, understand, probe, lead, substantiate, evaluate/,
    );
    const unknownSkill = await t.call("POST", `/api/sessions/${crypto.randomUUID()}/events`, {
      token: service,
      body: answers({}, { scores: { Charisma: 50 } }),
    });
    assert.equal(unknownSkill.status, 400);
    assert.deepEqual(unknownSkill.body.error.issues[0].path, ["answers", 0, "scores", "Charisma"]);
    assert.match(unknownSkill.body.error.message, /allowed: communication, technical_depth/);
    const twice = await t.call("POST", `/api/sessions/${crypto.randomUUID()}/events`, {
      token: service,
      body: answers({}, { scores: { probe: 50, Probing: 60 } }),
    });
    assert.equal(twice.status, 400);
    assert.match(twice.body.error.message, /both name skill 'probe'/);
    const [{ n }] = await t.db.sql<{ n: number }[]>`
      select count(*)::int as n from analytics.session_events where session_id <> ${session}`;
    assert.equal(n, 0);
  } finally {
    await t.close();
  }
});

Deno.test("a JSON body is parsed once: the guard's parse is the one the route validates", async () => {
  const t = await startTestApp();
  const service = await t.token("service");
  const body = JSON.stringify(answers());
  const parse = JSON.parse;
  let parsed = 0;
  JSON.parse = function (text: string, reviver?: Parameters<typeof parse>[1]) {
    if (text === body) parsed++;
    return parse(text, reviver);
  };
  try {
    const res = await t.call("POST", `/api/sessions/${crypto.randomUUID()}/events`, {
      token: service,
      rawBody: body,
    });
    assert.ok(res.status >= 200 && res.status < 300, JSON.stringify(res.body));
    assert.equal(parsed, 1);
    // What the route stored is what was sent.
    const [row] = await t.db.sql`select answer_id, pulse_step, skill_tag, score::float8 as score
                                 from analytics.session_events`;
    assert.deepEqual({ ...row }, {
      answer_id: "q1",
      pulse_step: "lead",
      skill_tag: "communication",
      score: 70,
    });
  } finally {
    JSON.parse = parse;
    await t.close();
  }
});
