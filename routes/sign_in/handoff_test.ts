import assert from "node:assert/strict";
import { sign } from "hono/jwt";
import { issueSignInToken, issueToken, SIGN_IN_AUDIENCE } from "../../lib/auth.ts";
import { startTestApp, TEST_SECRET } from "../../tests/harness.ts";
import { createApp } from "../../app.ts";
import { loadConfig } from "../../lib/config.ts";
import { setSink } from "../../lib/log.ts";
import { shipped } from "../../tests/static_config.ts";
import { GOOD_NEXT, HOSTILE_NEXT } from "../../tests/next_paths.ts";
import { localPath } from "../../http/session.ts";

const LEARNER = "0b6f3c1e-7a51-4c8e-9d40-5f6a7b8c9d01";

Deno.test("next: only local paths", () => {
  assert.equal(localPath("/dashboard"), "/dashboard");
  assert.equal(localPath("/learners/x?tab=1#a"), "/learners/x?tab=1#a");
  for (
    const bad of [
      "//evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "evil.example",
      "/\tevil",
      "",
      undefined,
    ]
  ) {
    assert.equal(localPath(bad), null, String(bad));
  }
});

Deno.test({
  name: "sign-in hand-off: single use, audience, lifetime, cookie and redirect",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const h = await startTestApp({ env: { PULSE_SESSION_TTL_SECONDS: "3600" } });
    const get = (path: string, headers: Record<string, string> = {}) =>
      h.app.request(path, { headers, redirect: "manual" });
    try {
      const token = await issueSignInToken(TEST_SECRET, "learner", LEARNER);
      await t.step("a valid link sets the session cookie and redirects to next", async () => {
        const res = await get(`/sign-in/handoff?token=${token}&next=%2Fdashboard%3Fr%3D1`);
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), "/dashboard?r=1");
        assert.equal(res.headers.get("cache-control"), "no-store");
        assert.equal(res.headers.get("referrer-policy"), "no-referrer");
        const cookie = res.headers.get("set-cookie") ?? "";
        assert.match(cookie, /^pulse_token=/);
        assert.match(cookie, /HttpOnly/);
        assert.match(cookie, /SameSite=Lax/);
        assert.match(cookie, /Max-Age=3600/);
        assert.match(cookie, /Path=\//);
        assert.doesNotMatch(cookie, /Secure/, "development over http");
        const session = cookie.match(/^pulse_token=([^;]+)/)![1];
        const page = await get("/dashboard", { cookie: `pulse_token=${session}` });
        assert.equal(page.status, 200);
      });

      await t.step("the same link again is refused", async () => {
        const again = await get(`/sign-in/handoff?token=${token}`);
        assert.equal(again.status, 409);
        assert.equal(again.headers.get("set-cookie"), null);
        assert.match(await again.text(), /already used/);
      });

      await t.step("next that is not a local path goes to the dashboard", async () => {
        for (const next of ["//evil.example", "/\\evil.example", "https://evil.example"]) {
          const token = await issueSignInToken(TEST_SECRET, "learner", LEARNER);
          const res = await get(
            `/sign-in/handoff?token=${token}&next=${encodeURIComponent(next)}`,
          );
          assert.equal(res.headers.get("location"), "/dashboard", next);
        }
      });

      await t.step("hostile next: the Location never leaves the site", async () => {
        for (const next of HOSTILE_NEXT) {
          const token = await issueSignInToken(TEST_SECRET, "learner", LEARNER);
          const res = await get(
            `/sign-in/handoff?token=${token}&next=${encodeURIComponent(next)}`,
          );
          // A NUL byte is refused as input (400) before any redirect; else home.
          assert.equal(res.status, next.includes("\0") ? 400 : 303, JSON.stringify(next));
          assert.equal(
            res.headers.get("location"),
            res.status === 303 ? "/dashboard" : null,
            JSON.stringify(next),
          );
          await res.body?.cancel();
        }
        for (const [next, expected] of GOOD_NEXT) {
          const token = await issueSignInToken(TEST_SECRET, "learner", LEARNER);
          const res = await get(
            `/sign-in/handoff?token=${token}&next=${encodeURIComponent(next)}`,
          );
          assert.equal(res.headers.get("location"), expected, JSON.stringify(next));
          await res.body?.cancel();
        }
      });

      await t.step("staff go to their start page", async () => {
        const token = await issueSignInToken(TEST_SECRET, "admin", "admin-1");
        const res = await get(`/sign-in/handoff?token=${token}`);
        assert.equal(res.headers.get("location"), "/admin");
      });

      await t.step(
        "refused: API tokens, other audiences, long exp, service, bad links",
        async () => {
          const now = Math.floor(Date.now() / 1000);
          const raw = (payload: Record<string, unknown>) => sign(payload, TEST_SECRET, "HS256");
          const base = { sub: LEARNER, role: "learner", aud: SIGN_IN_AUDIENCE, exp: now + 60 };
          const cases: [string, string, number][] = [
            ["api token", await issueToken(TEST_SECRET, "learner", LEARNER), 401],
            ["other audience", await raw({ ...base, aud: "x", jti: crypto.randomUUID() }), 401],
            ["no jti", await raw(base), 401],
            ["exp 10 min", await raw({ ...base, jti: crypto.randomUUID(), exp: now + 600 }), 401],
            ["expired", await raw({ ...base, jti: crypto.randomUUID(), exp: now - 1 }), 401],
            ["service", await issueSignInToken(TEST_SECRET, "service", "svc"), 401],
            ["wrong key", await issueSignInToken(`${TEST_SECRET}x`, "learner", LEARNER), 401],
            ["garbage", "abc", 401],
          ];
          for (const [label, token, status] of cases) {
            const res = await get(`/sign-in/handoff?token=${encodeURIComponent(token)}`);
            assert.equal(res.status, status, label);
            assert.equal(res.headers.get("set-cookie"), null, label);
            await res.body?.cancel();
          }
          const none = await get("/sign-in/handoff");
          assert.equal(none.status, 400);
          await none.body?.cancel();
        },
      );

      await t.step("a hand-off token is not a bearer token", async () => {
        const token = await issueSignInToken(TEST_SECRET, "admin", "admin-1");
        const res = await h.call("GET", `/api/users/${LEARNER}/readiness`, { token });
        assert.equal(res.status, 401);
      });

      await t.step("concurrent redemptions of one link: exactly one session", async () => {
        const token = await issueSignInToken(TEST_SECRET, "learner", LEARNER);
        const results = await Promise.all(
          Array.from({ length: 8 }, () => get(`/sign-in/handoff?token=${token}`)),
        );
        const statuses = results.map((r) => r.status).sort();
        await Promise.all(results.map((r) => r.body?.cancel()));
        assert.deepEqual(statuses, [303, 409, 409, 409, 409, 409, 409, 409]);
      });

      await t.step("used ids are kept until expiry, then swept", async () => {
        await h.db
          .sql`update analytics.used_sign_in_tokens set expires_at = now() - interval '1 hour'`;
        const token = await issueSignInToken(TEST_SECRET, "learner", LEARNER);
        (await get(`/sign-in/handoff?token=${token}`)).body?.cancel();
        const [{ n }] = await h.db.sql<{ n: number }[]>`
          select count(*)::int as n from analytics.used_sign_in_tokens`;
        assert.equal(n, 1);
      });

      await t.step("sign-out by GET and POST clears the cookie", async () => {
        for (const method of ["GET", "POST"]) {
          const res = await h.app.request("/sign-out", { method, redirect: "manual" });
          assert.equal(res.status, 303);
          assert.match(res.headers.get("set-cookie") ?? "", /pulse_token=;/);
        }
      });
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name: "sign-in hand-off in production: Secure cookie",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const h = await startTestApp({
      env: { PULSE_ENV: "production", PULSE_AUTH_SECRET: TEST_SECRET },
    });
    try {
      const token = await issueSignInToken(TEST_SECRET, "learner", LEARNER);
      const res = await h.app.request(`/sign-in/handoff?token=${token}`, { redirect: "manual" });
      assert.equal(res.status, 303);
      assert.match(res.headers.get("set-cookie") ?? "", /; Secure/);
      const page = await h.app.request("/dashboard", { redirect: "manual" });
      assert.equal(page.headers.get("location"), "/sign-in?next=%2Fdashboard");
    } finally {
      await h.close();
    }
  },
});

Deno.test("the access log never shows a sign-in token", async () => {
  const lines: string[] = [];
  const restore = setSink((line) => lines.push(line));
  try {
    const config = { ...loadConfig({ PULSE_ENV: "development" }), authSecret: TEST_SECRET };
    // No database is touched: the token is refused before the replay check.
    const app = createApp({ sql: null as never, config, settings: shipped });
    const token = await issueSignInToken(`${TEST_SECRET}-other`, "learner", LEARNER);
    const res = await app.request(`/sign-in/handoff?token=${token}`);
    await res.body?.cancel();
  } finally {
    restore();
  }
  assert.ok(lines.some((l) => l.includes('"route":"/sign-in/handoff"')), lines.join("\n"));
  assert.equal(lines.some((l) => l.includes("eyJ")), false, lines.join("\n"));
});
