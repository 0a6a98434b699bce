import assert from "node:assert/strict";
import { startTestApp } from "../tests/harness.ts";

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
