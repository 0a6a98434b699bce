/**
 * Recording and listing interview outcomes: idempotent batches, a changed resend refused, future
 * times refused, unknown learners, roles, and the rows covered by export and erase.
 */
import assert from "node:assert/strict";
import { startTestApp } from "../../../tests/harness.ts";
import { assertInvalid, assertLearnerReadAccess } from "../../../tests/readiness_fixtures.ts";

Deno.test("interview outcomes: record, resend, conflict, list, roles, export and erase", async (step) => {
  const t = await startTestApp();
  const service = await t.token("service");
  const admin = await t.token("admin");
  const learner = crypto.randomUUID();
  const path = `/api/users/${learner}/outcomes`;
  const post = (body: unknown, token = service, to = path) => t.call("POST", to, { token, body });
  const offer = {
    outcome_id: "acme-offer",
    occurred_at: "2026-11-10T12:00:00.000001Z",
    result: "passed",
    stage: "offer",
    company: "Acme",
    role_level: "senior",
    notes: "signed",
  };
  const screen = {
    outcome_id: "globex-screen",
    occurred_at: "2026-11-02T09:00:00+01:00",
    result: "failed",
  };
  try {
    await t.call("PUT", `/api/learners/${learner}`, { token: service, body: { level: "senior" } });

    await step.step("a batch is stored; the same batch again writes nothing", async () => {
      const first = await post({ outcomes: [offer, screen] });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(first.body, {
        user_id: learner,
        outcomes: 2,
        inserted: 2,
        already_present: 0,
      });
      const again = await post({ outcomes: [screen, offer] }, admin);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(again.body, {
        user_id: learner,
        outcomes: 2,
        inserted: 0,
        already_present: 2,
      });
      // The same instant written another way is the same content.
      const sameInstant = await post({
        outcomes: [{ ...screen, occurred_at: "2026-11-02T08:00:00Z" }],
      });
      assert.deepEqual(sameInstant.body.already_present, 1);
      const [{ count }] = await t.db.sql`
        select count(*)::int as count from analytics.interview_outcomes where user_id = ${learner}`;
      assert.equal(count, 2);
    });

    await step.step("an id resent with other content refuses the whole batch (409)", async () => {
      const res = await post({
        outcomes: [
          { outcome_id: "new-one", occurred_at: "2026-11-12T00:00:00Z", result: "passed" },
          {
            ...screen,
            result: "passed",
          },
        ],
      });
      assert.equal(res.status, 409, JSON.stringify(res.body));
      assert.equal(res.body.error.code, "conflict");
      assert.match(res.body.error.message, /'globex-screen'/);
      // Nothing of the batch was written, and the stored outcome is unchanged.
      const rows = await t.db.sql`
        select outcome_id, result from analytics.interview_outcomes
        where user_id = ${learner} order by outcome_id`;
      assert.deepEqual(rows.map((r) => [r.outcome_id, r.result]), [
        ["acme-offer", "passed"],
        ["globex-screen", "failed"],
      ]);
      // A field added later is other content too.
      const added = await post({ outcomes: [{ ...screen, stage: "screen" }] });
      assert.equal(added.status, 409);
    });

    await step.step("occurred_at in the future is a 400 naming the field", async () => {
      const future = new Date(Date.now() + 10 * 60 * 1000).toISOString();
      const res = await post({
        outcomes: [{ outcome_id: "later", occurred_at: future, result: "passed" }],
      });
      assertInvalid(res, /occurred_at/, "future");
      assertInvalid(res, /in the future/, "future");
      // Within the 5 minutes of clock skew: accepted.
      const soon = new Date(Date.now() + 60 * 1000).toISOString();
      const ok = await post({
        outcomes: [{ outcome_id: "skew", occurred_at: soon, result: "failed" }],
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    });

    await step.step("bad bodies are 400s", async () => {
      assertInvalid(await post({ outcomes: [] }), /outcomes/, "empty");
      assertInvalid(
        await post(offer),
        /outcomes|unrecognized/i,
        "a single outcome without a batch",
      );
      assertInvalid(
        await post({ outcomes: [{ ...offer, result: "offer" }] }),
        /result/,
        "result",
      );
      assertInvalid(
        await post({ outcomes: [{ ...offer, surprise: 1 }] }),
        /surprise/,
        "unknown field",
      );
      assertInvalid(await post({ outcomes: [offer, offer] }), /duplicate outcome_id/, "twice");
      assertInvalid(
        await post({ outcomes: [{ ...offer, occurred_at: "2026-11-10" }] }),
        /occurred_at/,
        "no time",
      );
    });

    await step.step("an unknown learner is a 404 on POST and GET", async () => {
      const stranger = crypto.randomUUID();
      const res = await post({ outcomes: [offer] }, service, `/api/users/${stranger}/outcomes`);
      assert.equal(res.status, 404, JSON.stringify(res.body));
      assert.equal(res.body.error.code, "not_found");
      const get = await t.call("GET", `/api/users/${stranger}/outcomes`, { token: admin });
      assert.equal(get.status, 404);
      const [{ count }] = await t.db.sql`
        select count(*)::int as count from analytics.learners where user_id = ${stranger}`;
      assert.equal(count, 0, "no learner was created");
    });

    await step.step("roles: service and admin write; learners and coaches do not", async () => {
      for (const role of ["learner", "coach"] as const) {
        const res = await post({ outcomes: [offer] }, await t.token(role, learner));
        assert.equal(res.status, 403, role);
      }
      assert.equal((await t.call("POST", path, { body: { outcomes: [offer] } })).status, 401);
    });

    await step.step("GET lists them oldest first, to the microsecond", async () => {
      const res = await t.call("GET", path, { token: await t.token("learner", learner) });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.user_id, learner);
      const [first, second] = res.body.outcomes;
      assert.deepEqual({ ...first, created_at: undefined }, {
        outcome_id: "globex-screen",
        occurred_at: "2026-11-02T08:00:00.000000Z",
        result: "failed",
        stage: null,
        company: null,
        role_level: null,
        notes: null,
        created_at: undefined,
      });
      assert.equal(second.occurred_at, "2026-11-10T12:00:00.000001Z");
      assert.equal(second.stage, "offer");
      assert.equal(res.body.outcomes.length, 3);
      await assertLearnerReadAccess(t, path, learner);
      // A learner with a profile and no outcomes: an empty list.
      const empty = crypto.randomUUID();
      await t.call("PUT", `/api/learners/${empty}`, { token: service, body: {} });
      const none = await t.call("GET", `/api/users/${empty}/outcomes`, { token: admin });
      assert.deepEqual(none.body, { user_id: empty, outcomes: [] });
    });

    await step.step("export includes the outcomes; erase deletes them", async () => {
      const exported = await t.call("GET", `/api/users/${learner}/export`, { token: admin });
      assert.equal(exported.status, 200);
      assert.deepEqual(
        exported.body.tables.interview_outcomes.map((o: { outcome_id: string }) => o.outcome_id)
          .sort(),
        ["acme-offer", "globex-screen", "skew"],
      );
      const erased = await t.call("DELETE", `/api/users/${learner}`, { token: admin });
      assert.equal(erased.status, 200);
      assert.equal(erased.body.deleted.interview_outcomes, 3);
      const [{ count }] = await t.db.sql`
        select count(*)::int as count from analytics.interview_outcomes where user_id = ${learner}`;
      assert.equal(count, 0);
    });
  } finally {
    await t.close();
  }
});
