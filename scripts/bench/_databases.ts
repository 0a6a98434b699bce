/** Benchmarks run on the server named by PULSE_TEST_DATABASE_URL (when set) and on embedded PGlite. */
import { createTestDatabase, type TestDatabase, testServerUrl } from "../../tests/db.ts";

/** Runs `fn` on a fresh migrated server database, then on a fresh embedded one. */
export async function onEachDatabase(fn: (db: TestDatabase, label: string) => Promise<void>) {
  const server = testServerUrl();
  if (!server) console.log("server: skipped (set PULSE_TEST_DATABASE_URL)");
  const targets = [...(server ? [{ label: "server", serverUrl: server }] : []), {
    label: "embedded PGlite",
    serverUrl: null,
  }];
  for (const { label, serverUrl } of targets) {
    const db = await createTestDatabase({ serverUrl });
    try {
      await fn(db, label);
    } finally {
      await db.close();
    }
  }
}
