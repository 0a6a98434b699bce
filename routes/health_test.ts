/** /healthz and /readyz: answers, pending migrations, and the half-second bound of /readyz. */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createClient, type Sql } from "../lib/db/client.ts";
import { createTestDatabase, testServerUrl } from "../tests/db.ts";
import { startTestApp } from "../tests/harness.ts";
import type { AppEnv } from "../http/env.ts";
import { healthRoutes } from "./health.ts";

Deno.test("healthz and readyz", async () => {
  const t = await startTestApp();
  try {
    assert.deepEqual(await t.call("GET", "/healthz"), { status: 200, body: { status: "ok" } });
    const ready = await t.call("GET", "/readyz");
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, "ready");
    // Forget the newest migration: readyz must report it pending.
    const [{ version }] = await t.db
      .sql`select max(version) as version from public.schema_migrations`;
    await t.db.sql`delete from public.schema_migrations where version = ${version}`;
    const pending = await t.call("GET", "/readyz");
    assert.equal(pending.status, 503);
    assert.deepEqual(pending.body.pending, [version]);
    const missingApi = await t.call("GET", "/api/nothing-here");
    assert.equal(missingApi.status, 404);
    assert.equal(missingApi.body.error.code, "not_found");
    const missingPage = await t.call("GET", "/nothing-here");
    assert.equal(missingPage.status, 404);
    assert.match(missingPage.body, /Page not found/);
    const openapi = await t.call("GET", "/api/openapi.json");
    assert.equal(openapi.status, 200);
    assert.ok(openapi.body.paths["/api/sessions/{sessionId}/events"].post);
  } finally {
    await t.close();
  }
});

/** An app with only the health routes, on `sql`. */
function healthApp(sql: Sql) {
  return new Hono<AppEnv>().use((c, next) => (c.set("sql", sql), next())).route("/", healthRoutes);
}

async function timedReadyz(app: ReturnType<typeof healthApp>) {
  const t0 = performance.now();
  const res = await app.request("/readyz");
  await res.body?.cancel();
  return {
    status: res.status,
    ms: performance.now() - t0,
    retryAfter: res.headers.get("retry-after"),
  };
}

Deno.test("readyz answers 503 within half a second from a database that accepts and never answers", async () => {
  // A dead host behind a live port: the TCP connection opens, nothing ever comes back.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  const sql = createClient(`postgres://x@127.0.0.1:${(listener.addr as Deno.NetAddr).port}/x`, {
    max: 4,
    connectTimeout: 30,
  });
  try {
    for (let i = 0; i < 3; i++) {
      const r = await timedReadyz(healthApp(sql));
      assert.equal(r.status, 503);
      assert.equal(r.retryAfter, "5");
      assert.ok(r.ms < 500, `readyz took ${Math.round(r.ms)} ms`);
    }
  } finally {
    for (const conn of held) conn.close();
    listener.close();
    await accepting.catch(() => {});
    await sql.end({ timeout: 0 }).catch(() => {});
  }
});

Deno.test({
  name: "readyz does not queue behind a saturated pool",
  ignore: !testServerUrl(),
  async fn() {
    const db = await createTestDatabase();
    const busy = createClient(db.url, { max: 2 });
    try {
      const sleepers = [1, 2, 3].map(() => busy`select pg_sleep(1.5)`);
      await new Promise((r) => setTimeout(r, 200));
      const r = await timedReadyz(healthApp(busy));
      assert.equal(r.status, 200);
      assert.ok(r.ms < 500, `readyz took ${Math.round(r.ms)} ms`);
      await Promise.all(sleepers);
    } finally {
      await busy.end();
      await db.close();
    }
  },
});
