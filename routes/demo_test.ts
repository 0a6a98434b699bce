import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { DEMO_LEARNERS } from "../lib/demo/people.ts";
import { loadConfig } from "../lib/config.ts";
import { shipped } from "../tests/static_config.ts";
import { createTestDatabase } from "../tests/db.ts";
import { TEST_SECRET } from "../tests/harness.ts";
import { GOOD_NEXT, HOSTILE_NEXT } from "../tests/next_paths.ts";

Deno.test("/demo answers only on loopback, in development", async (step) => {
  const db = await createTestDatabase();
  const dev = { ...loadConfig({ PULSE_ENV: "development" }), authSecret: TEST_SECRET };
  const app = createApp({ sql: db.sql, config: dev, settings: shipped }, { log: false });
  const remote = (hostname: string) => ({
    remoteAddr: { transport: "tcp", hostname, port: 50000 },
  });
  const get = (peer: string, headers: Record<string, string> = {}) =>
    app.request("http://localhost:8000/demo", { headers }, remote(peer));
  const user = DEMO_LEARNERS[0].userId;
  try {
    await step.step("a browser on this machine gets the page and can sign in", async () => {
      assert.equal((await get("127.0.0.1")).status, 200);
      assert.equal((await get("::1", { host: "[::1]:8000" })).status, 200);
      const res = await app.request("http://127.0.0.1:8000/demo", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "http://127.0.0.1:8000",
        },
        body: `user_id=${user}`,
      }, remote("127.0.0.1"));
      assert.equal(res.status, 303);
      assert.match(res.headers.get("set-cookie") ?? "", /pulse_token=/);
    });

    await step.step("hostile next: the Location never leaves the site", async () => {
      const post = (next: string) =>
        app.request("http://127.0.0.1:8000/demo", {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            origin: "http://127.0.0.1:8000",
          },
          body: new URLSearchParams({ user_id: user, next }).toString(),
        }, remote("127.0.0.1"));
      for (const next of HOSTILE_NEXT) {
        const res = await post(next);
        // A NUL byte is refused as input (400) before any redirect; else home.
        assert.equal(res.status, next.includes("\0") ? 400 : 303, JSON.stringify(next));
        assert.equal(
          res.headers.get("location"),
          res.status === 303 ? "/dashboard" : null,
          JSON.stringify(next),
        );
        // The page does not carry it into its forms either.
        const page = await app.request(
          `http://localhost:8000/demo?next=${encodeURIComponent(next)}`,
          {},
          remote("127.0.0.1"),
        );
        assert.doesNotMatch(await page.text(), /name="next"/, JSON.stringify(next));
      }
      for (const [next, expected] of GOOD_NEXT) {
        const res = await post(next);
        assert.equal(res.headers.get("location"), expected, JSON.stringify(next));
      }
    });

    await step.step("another machine, a proxy hop or a foreign Host gets 404", async () => {
      assert.equal((await get("192.168.1.20")).status, 404);
      assert.equal((await get("0.0.0.0")).status, 404);
      assert.equal((await get("127.0.0.1", { "x-forwarded-for": "203.0.113.9" })).status, 404);
      assert.equal((await get("127.0.0.1", { forwarded: "for=203.0.113.9" })).status, 404);
      assert.equal((await get("127.0.0.1", { host: "evil.example:8000" })).status, 404);
      assert.equal((await get("127.0.0.1", { "x-forwarded-for": "127.0.0.1" })).status, 200);
      const post = await app.request("http://10.0.0.5:8000/demo", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "http://10.0.0.5:8000",
        },
        body: `user_id=${user}`,
      }, remote("10.0.0.9"));
      assert.equal(post.status, 404);
      assert.equal(post.headers.get("set-cookie"), null);
      // No peer address known (not served by Deno.serve): refused too.
      assert.equal((await app.request("/demo")).status, 404);
    });

    await step.step("production: 404 even on loopback", async () => {
      const prod = { ...loadConfig({ PULSE_ENV: "production", PULSE_AUTH_SECRET: TEST_SECRET }) };
      const prodApp = createApp({
        sql: db.sql,
        config: { ...prod, authSecret: TEST_SECRET },
        settings: shipped,
      }, {
        log: false,
      });
      const res = await prodApp.request("http://localhost/demo", {}, remote("127.0.0.1"));
      assert.equal(res.status, 404);
    });
  } finally {
    await db.close();
  }
});
