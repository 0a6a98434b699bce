import assert from "node:assert/strict";
import { createClient } from "./client.ts";
import { startEmbedded } from "./embedded.ts";

Deno.test("the embedded database runs with 32 MB of shared buffers and minimal WAL", async () => {
  const embedded = await startEmbedded("memory://");
  const sql = createClient(embedded.url, { max: 1, prepare: false });
  try {
    const rows = await sql<{ name: string; value: string }[]>`
      select name, current_setting(name) as value from unnest(
        array['shared_buffers', 'wal_level', 'max_wal_senders', 'search_path']) as name
      order by name`;
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.name, r.value])), {
      max_wal_senders: "0",
      search_path: "public",
      shared_buffers: "32MB",
      wal_level: "minimal",
    });
  } finally {
    await sql.end();
    await embedded.stop();
  }
});
