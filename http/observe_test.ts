import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { issueToken } from "../lib/auth.ts";
import { loadConfig } from "../lib/config.ts";
import { shipped } from "../tests/static_config.ts";
import { createClient } from "../lib/db/client.ts";
import { createTestDatabase } from "../tests/db.ts";
import { setSink } from "../lib/log.ts";
import { TEST_SECRET } from "../tests/harness.ts";

const METRICS_TOKEN = "metrics-token-0123456789";
const loopback = { remoteAddr: { hostname: "127.0.0.1", port: 40000, transport: "tcp" } };
const remote = { remoteAddr: { hostname: "203.0.113.9", port: 40000, transport: "tcp" } };

Deno.test("observability: JSON logs with request ids, access lines, /metrics", async (step) => {
  const db = await createTestDatabase();
  const config = {
    ...loadConfig({ PULSE_ENV: "development", PULSE_METRICS_TOKEN: METRICS_TOKEN }),
    authSecret: TEST_SECRET,
  };
  const app = createApp({ sql: db.sql, config, settings: shipped });
  const lines: Record<string, unknown>[] = [];
  const restore = setSink((line) => lines.push(JSON.parse(line)));
  try {
    const admin = await issueToken(TEST_SECRET, "admin", "adm");
    const user = crypto.randomUUID();

    await step.step(
      "every line of a request carries its id; one access line; no token",
      async () => {
        lines.length = 0;
        const res = await app.request(`/api/users/${user}?token=${admin}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${admin}`, "x-request-id": "req-erase-1" },
        });
        assert.equal(res.status, 200);
        const ours = lines.filter((l) => l.request_id === "req-erase-1");
        assert.equal(ours.length, lines.length, JSON.stringify(lines));
        assert.ok(ours.some((l) => l.msg === "learner erased"), "a handler's own line has the id");
        const access = ours.filter((l) => l.msg === "request");
        assert.equal(access.length, 1);
        assert.deepEqual(
          { ...access[0], ts: undefined, ms: undefined },
          {
            ts: undefined,
            ms: undefined,
            level: "info",
            msg: "request",
            request_id: "req-erase-1",
            method: "DELETE",
            route: "/api/users/:userId",
            status: 200,
            role: "admin",
          },
        );
        assert.equal(typeof access[0].ms, "number");
        assert.ok(!JSON.stringify(lines).includes(admin), "the token reached the logs");
        assert.ok(!JSON.stringify(access).includes(user), "the raw URL reached the access line");
      },
    );

    await step.step("an anonymous request is logged as such; ids differ per request", async () => {
      lines.length = 0;
      await app.request("/healthz");
      await app.request("/healthz");
      const ids = lines.map((l) => l.request_id);
      assert.equal(new Set(ids).size, 2);
      assert.ok(lines.every((l) => l.role === "anonymous" && l.route === "/healthz"));
    });

    await step.step("/metrics: loopback or token only", async () => {
      assert.equal((await app.request("/metrics", {}, remote)).status, 403);
      assert.equal((await app.request("/metrics")).status, 403);
      const ipv6 = { remoteAddr: { hostname: "::1", port: 40000, transport: "tcp" } };
      const byIpv6 = await app.request("/metrics", {}, ipv6);
      assert.equal(byIpv6.status, 200, "IPv6 loopback");
      await byIpv6.body?.cancel();
      assert.equal(
        (await app.request(
          "/metrics",
          { headers: { "x-forwarded-for": "198.51.100.1" } },
          loopback,
        ))
          .status,
        403,
        "a proxied request is not loopback",
      );
      assert.equal(
        (await app.request(
          "/metrics",
          { headers: { authorization: "Bearer wrong-token-000000" } },
          remote,
        ))
          .status,
        403,
      );
      const byToken = await app.request(
        "/metrics",
        { headers: { authorization: `Bearer ${METRICS_TOKEN}` } },
        remote,
      );
      assert.equal(byToken.status, 200);
      await byToken.body?.cancel();
    });

    await step.step(
      "/metrics: requests by route and status, latency histogram, pool, recompute",
      async () => {
        const recompute = await app.request("/api/admin/recompute-readiness", {
          method: "POST",
          headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
          body: "{}",
        });
        assert.equal(recompute.status, 200);
        const res = await app.request("/metrics", {}, loopback);
        assert.equal(res.status, 200);
        assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
        const text = await res.text();
        assert.match(
          text,
          /^pulse_http_requests_total\{method="DELETE",route="\/api\/users\/:userId",status="200"\} 1$/m,
        );
        assert.match(
          text,
          /^pulse_http_requests_total\{method="GET",route="\/metrics",status="403"\} \d+$/m,
        );
        assert.match(
          text,
          /^pulse_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",status="200",le="\+Inf"\} 2$/m,
        );
        assert.match(
          text,
          /^pulse_http_request_duration_seconds_count\{.*route="\/healthz".*\} 2$/m,
        );
        assert.match(text, /^# TYPE pulse_http_request_duration_seconds histogram$/m);
        assert.match(text, /^pulse_db_pool_size \d+$/m);
        assert.match(text, /^pulse_db_pool_in_use 0$/m);
        assert.match(text, /^pulse_db_pool_waiting 0$/m);
        assert.match(text, /^pulse_recompute_runs_total\{trigger="admin"\} [1-9]\d*$/m);
        // Read from the database at scrape time: the backlog and the run just made.
        assert.match(text, /^pulse_readiness_pending \d+$/m);
        assert.match(text, /^pulse_readiness_last_run_timestamp_seconds [1-9][\d.]*$/m);
        assert.match(text, /^pulse_readiness_last_run_duration_seconds [\d.]+$/m);
        assert.match(text, /^# TYPE pulse_backfill_items_total counter$/m);
        assert.ok(!text.includes(user), "no learner id in metric labels");
      },
    );
  } finally {
    restore();
    await db.close();
  }
});

Deno.test("/metrics: each app reports its own database pool, once", async () => {
  const config = { ...loadConfig({ PULSE_ENV: "development" }), authSecret: TEST_SECRET };
  // Never connected: /metrics reads the pool's counters without a query.
  const url = "postgres://pulse@127.0.0.1:9/unused";
  const [small, large] = [createClient(url, { max: 3 }), createClient(url, { max: 7 })];
  try {
    const first = createApp({ sql: small, config, settings: shipped });
    const second = createApp({ sql: large, config, settings: shipped });
    for (const [app, size] of [[first, 3], [second, 7], [first, 3]] as const) {
      const res = await app.request("/metrics", {}, loopback);
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.deepEqual(text.match(/^pulse_db_pool_size .*$/gm), [`pulse_db_pool_size ${size}`]);
      assert.deepEqual(text.match(/^# TYPE pulse_db_pool_in_use gauge$/gm)?.length, 1);
      assert.deepEqual(text.match(/^pulse_db_pool_waiting .*$/gm), ["pulse_db_pool_waiting 0"]);
    }
  } finally {
    await small.end();
    await large.end();
  }
});
