import assert from "node:assert/strict";
import { startTestApp } from "../tests/harness.ts";

Deno.test("cookie-session writes must come from this site", async (step) => {
  const t = await startTestApp();
  const adminId = crypto.randomUUID();
  const cookie = `pulse_token=${await t.token("admin", adminId)}`;
  const recompute = (headers: Record<string, string>) =>
    t.app.request("http://pulse.example:8000/api/admin/recompute-readiness", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: "{}",
    });
  const before = async () => {
    const [{ n }] = await t.db.sql<{ n: number }[]>`
      select count(*)::int as n from analytics.user_readiness`;
    return n;
  };
  try {
    await step.step(
      "same-origin cookie request (as the admin page sends it) is served",
      async () => {
        const res = await recompute({ cookie, origin: "http://pulse.example:8000" });
        assert.equal(res.status, 200, await res.text());
        const bySite = await recompute({ cookie, "sec-fetch-site": "same-origin" });
        assert.equal(bySite.status, 200);
        // A form post under `Referrer-Policy: no-referrer` carries `Origin: null`.
        const opaque = await recompute({ cookie, origin: "null", "sec-fetch-site": "same-origin" });
        assert.equal(opaque.status, 200);
        const byReferer = await recompute({ cookie, referer: "http://pulse.example:8000/admin" });
        assert.equal(byReferer.status, 200);
        // Behind a proxy: the host the browser used is the forwarded one.
        const proxied = await recompute({
          cookie,
          origin: "https://analytics.example",
          "x-forwarded-host": "analytics.example",
        });
        assert.equal(proxied.status, 200);
      },
    );

    await step.step("cross-site or unverifiable cookie writes → 403, nothing done", async () => {
      const n = await before();
      const foreign: Record<string, string>[] = [
        { origin: "https://evil.example" },
        { origin: "null" },
        { origin: "null", "sec-fetch-site": "cross-site" },
        { origin: "http://pulse.example:9999" },
        { "sec-fetch-site": "cross-site" },
        { "sec-fetch-site": "same-site" },
        { referer: "https://evil.example/page" },
        {},
      ];
      for (const headers of foreign) {
        const res = await recompute({ cookie, ...headers });
        assert.equal(res.status, 403, JSON.stringify(headers));
        const body = await res.json();
        assert.equal(body.error.code, "cross_site_request");
      }
      // Another Authorization scheme does not switch the check off: the cookie still authenticates.
      for (const authorization of ["Basic eDp4", "Basic x", "Digest x", "bearer", "Bearerx y"]) {
        const res = await recompute({ cookie, authorization, origin: "https://evil.example" });
        assert.equal(res.status, 403, authorization);
        assert.equal((await res.json()).error.code, "cross_site_request", authorization);
        const unverifiable = await recompute({ cookie, authorization });
        assert.equal(unverifiable.status, 403, `${authorization}, no Origin`);
        await unverifiable.body?.cancel();
      }
      // Page forms too: sign-out and demo sign-in from another site.
      for (const path of ["/sign-out", "/demo"]) {
        const res = await t.app.request(`http://pulse.example:8000${path}`, {
          method: "POST",
          headers: {
            cookie,
            origin: "https://evil.example",
            "content-type": "application/x-www-form-urlencoded",
          },
          body: "user_id=x",
        });
        assert.equal(res.status, 403, path);
      }
      assert.equal(await before(), n);
    });

    await step.step("bearer-header calls and reads are not affected", async () => {
      const token = await t.token("admin", adminId);
      const res = await recompute({
        authorization: `Bearer ${token}`,
        origin: "https://elsewhere.example",
      });
      assert.equal(res.status, 200);
      // A bearer header with the cookie too: the header authenticates, the cookie is not used.
      const both = await recompute({
        cookie,
        authorization: `bearer ${token}`,
        origin: "https://elsewhere.example",
      });
      assert.equal(both.status, 200);
      // Without the cookie, another scheme is simply not authenticated (401, not 403).
      const basic = await recompute({ authorization: "Basic eDp4" });
      assert.equal(basic.status, 401);
      const read = await t.app.request("http://pulse.example:8000/api/openapi.json", {
        headers: { cookie, origin: "https://evil.example" },
      });
      assert.equal(read.status, 200);
      // No cookie and no browser headers (a script): nothing to forge, the route decides (401).
      const anonymous = await recompute({});
      assert.equal(anonymous.status, 401);
    });
  } finally {
    await t.close();
  }
});
