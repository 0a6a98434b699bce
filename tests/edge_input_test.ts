/**
 * Input that once reached a 500: timestamps that pass the ISO format but not every layer below it
 * (an offset that moves the instant out of the years 0001–9999, long fractions), and learner tokens
 * whose `sub` is not a UUID. Each must be refused at the edge (400 naming the field, 401, or the
 * sign-in redirect) or accepted and stored as sent; never a 5xx.
 */
import assert from "node:assert/strict";
import { issueSignInToken, issueToken } from "../lib/auth.ts";
import { startTestApp, TEST_SECRET } from "./harness.ts";

const REFUSED = [
  "0001-01-01T00:00:00+14:00",
  "0001-01-01T00:00:00+00:01",
  "0001-01-01T13:59:59.999+14:00",
  "9999-12-31T23:59:59-15:59",
  `2026-11-02T09:00:00.${"1".repeat(10)}Z`,
  `2026-11-02T09:00:00.${"9".repeat(40)}Z`,
  `2026-11-02T09:00:00.${"9".repeat(5000)}Z`,
  `2026-11-02T09:00:00.${"0".repeat(300)}+01:00`,
];
/** Stored as sent: [value, the instant Postgres keeps]. */
const STORED: [string, string][] = [
  ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"],
  ["0001-01-01T14:00:00+14:00", "0001-01-01T00:00:00Z"],
  ["0001-01-01T00:00:00-15:59", "0001-01-01T15:59:00Z"],
  ["2026-11-02T09:00:00.123456789Z", "2026-11-02T09:00:00.123457Z"],
  ["2026-11-02T09:00:00.999999999+01:00", "2026-11-02T08:00:01Z"],
];

Deno.test({
  name: "edge input: timestamps and token subjects never reach a 500",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const h = await startTestApp();
    const service = await h.token("service");
    const admin = await h.token("admin");
    const events = (ts: string, session = crypto.randomUUID()) =>
      h.call("POST", `/api/sessions/${session}/events`, {
        token: service,
        body: {
          user_id: crypto.randomUUID(),
          scenario_id: "s",
          answers: [{ answer_id: "a", ts, pulse_step: "lead", scores: { communication: 50 } }],
        },
      });
    const complete = (completedAt: string, session = crypto.randomUUID()) =>
      h.call("POST", `/api/sessions/${session}/complete`, {
        token: service,
        body: {
          user_id: crypto.randomUUID(),
          completed_at: completedAt,
          transcript: ["Coach: hello", "Learner: hi"],
          scorecard: { bce_score: 70, mcf_score: 60, cpo_score: null },
        },
      });
    const recompute = (since: string) =>
      h.call("POST", "/api/admin/recompute-readiness", {
        token: admin,
        body: { active_since: since },
      });
    try {
      await t.step("out-of-range and long-fraction timestamps: 400 naming the field", async () => {
        for (const ts of REFUSED) {
          const label = ts.slice(0, 60);
          const e = await events(ts);
          assert.equal(e.status, 400, label);
          assert.match(JSON.stringify(e.body), /answers\.0\.ts/, label);
          const c = await complete(ts);
          assert.equal(c.status, 400, label);
          assert.match(JSON.stringify(c.body), /completed_at/, label);
          const r = await recompute(ts);
          assert.equal(r.status, 400, label);
          assert.match(JSON.stringify(r.body), /active_since/, label);
        }
        const [{ n }] = await h.db.sql<{ n: number }[]>`
          select count(*)::int as n from analytics.session_events`;
        assert.equal(n, 0, "nothing written");
      });

      await t.step("storable edge timestamps are kept as the same instant", async () => {
        for (const [ts, instant] of STORED) {
          const session = crypto.randomUUID();
          const e = await events(ts, session);
          assert.equal(e.status, 200, `${ts}: ${JSON.stringify(e.body)}`);
          const [row] = await h.db.sql<{ ts: string }[]>`
            select to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as ts
            from analytics.session_events where session_id = ${session}`;
          assert.equal(
            new Date(`${row.ts}Z`).getTime(),
            new Date(instant).getTime(),
            `${ts} stored as ${row.ts}`,
          );
          assert.ok((await recompute(ts)).status < 500, ts);
        }
      });

      await t.step(
        "a learner token whose sub is not a UUID: 401, sign-in page, never 500",
        async () => {
          for (const sub of ["not-a-uuid", "x'; drop table x;--", "0".repeat(300), "../../admin"]) {
            const token = await issueToken(TEST_SECRET, "learner", sub);
            const api = await h.call("GET", "/api/users/me/readiness", { token });
            assert.equal(api.status, 401, sub);
            const own = await h.call("GET", `/api/users/${encodeURIComponent(sub)}/readiness`, {
              token,
            });
            assert.equal(own.status, 401, sub);
            const page = await h.app.request("/dashboard", {
              headers: { cookie: `pulse_token=${token}` },
              redirect: "manual",
            });
            assert.equal(page.status, 302, sub);
            assert.match(
              page.headers.get("location") ?? "",
              /^\/(sign-in|demo)\?next=%2Fdashboard$/,
            );
            const link = await issueSignInToken(TEST_SECRET, "learner", sub);
            const handoff = await h.app.request(`/sign-in/handoff?token=${link}`, {
              redirect: "manual",
            });
            assert.equal(handoff.status, 401, sub);
            assert.equal(handoff.headers.get("set-cookie"), null, sub);
            await handoff.body?.cancel();
          }
        },
      );
    } finally {
      await h.close();
    }
  },
});
