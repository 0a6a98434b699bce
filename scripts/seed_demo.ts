/**
 * `deno task seed` — adds the demo learners and their ~12 weeks of history (safe to run again).
 * Refuses with PULSE_ENV=production: fake learners have no place in a system of record.
 */
import { ConfigError, loadConfig } from "../lib/config.ts";
import { exitOnHelp } from "./_ops.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { seedDemo } from "../lib/demo/seed.ts";
import { loadStaticConfig } from "../lib/static_config.ts";

exitOnHelp(
  "usage: deno task seed   (adds the demo learners and their history; safe to run again)",
);
try {
  const config = loadConfig();
  if (config.env === "production") {
    console.error(
      "seed: refused because PULSE_ENV=production (demo learners are for development databases only)",
    );
    Deno.exit(1);
  }
  const settings = loadStaticConfig();
  const db = await openDatabase(config.database, { quiet: true });
  console.log(`Seeding demo data into ${db.label}`);
  try {
    const t0 = performance.now();
    const result = await seedDemo(db.sql, settings, { log: (line) => console.log(line) });
    console.log(
      `Done in ${
        Math.round(performance.now() - t0)
      } ms: ${result.learners} learners, ${result.sessions} sessions, ` +
        `${result.eventsInserted} new events, ${result.snapshots} readiness snapshots.`,
    );
  } finally {
    await db.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  Deno.exit(1);
}
