/** The client's deadline: queries and transactions against a database that never answers fail as "unavailable". */
import assert from "node:assert/strict";
import { createClient } from "./client.ts";
import { DatabaseTimeoutError, isDatabaseUnavailable } from "./errors.ts";

Deno.test("a query and a transaction on a silent database fail by the deadline as unavailable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  const sql = createClient(`postgres://x@127.0.0.1:${(listener.addr as Deno.NetAddr).port}/x`, {
    max: 2,
    deadlineMs: 300,
  });
  try {
    for (const run of [() => sql`select 1`, () => sql.begin((tx) => tx`select 1`)]) {
      const t0 = performance.now();
      const error = await run().then(() => null, (e) => e);
      const ms = performance.now() - t0;
      assert.ok(error instanceof DatabaseTimeoutError, String(error));
      assert.ok(isDatabaseUnavailable(error));
      assert.ok(ms >= 250 && ms < 2_000, `failed after ${Math.round(ms)} ms`);
    }
  } finally {
    for (const conn of held) conn.close();
    listener.close();
    await accepting.catch(() => {});
    await sql.end({ timeout: 0 }).catch(() => {});
  }
});
