import assert from "node:assert/strict";
import { runScript } from "../tests/scripts.ts";

const SCRIPT = new URL("./seed_demo.ts", import.meta.url).pathname;

Deno.test("seed refuses in production before touching any database", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "pulse-seed-" });
  try {
    const targets: Record<string, string>[] = [
      {},
      { PULSE_ANALYTICS_DATABASE_URL: "postgres://nobody@127.0.0.1:1/x" },
    ];
    for (const database of targets) {
      const res = await runScript(SCRIPT, [], {
        PULSE_ENV: "production",
        PULSE_AUTH_SECRET: "production-secret-0123456789abcdefghij",
        PULSE_DATA_DIR: dataDir,
        ...database,
      });
      assert.equal(res.code, 1);
      assert.deepEqual(res.stdout, []);
      assert.equal(res.stderr.length, 1, res.stderr.join("\n"));
      assert.match(res.stderr[0], /refused because PULSE_ENV=production/);
    }
    // The embedded database was never opened: its data directory is still empty.
    assert.deepEqual([...Deno.readDirSync(dataDir)], []);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
