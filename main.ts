/** Entry point: configuration → database (server or embedded, migrated) → HTTP server. */
import { ensureDevSecret } from "./lib/auth.ts";
import { ConfigError, loadConfig } from "./lib/config.ts";
import { openDatabase, type Sql } from "./lib/db/mod.ts";
import { seedDemo } from "./lib/demo/seed.ts";
import { buildAssets } from "./lib/ui/build.ts";

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      Deno.exit(1);
    }
    throw error;
  }
  // Importing the app loads and validates config/*.json; a bad file stops start-up with its name.
  let createApp;
  try {
    ({ createApp } = await import("./app.ts"));
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
  let authSecret = config.authSecret;
  if (!authSecret) {
    authSecret = await ensureDevSecret(config.dataDir);
    console.log(
      `PULSE_AUTH_SECRET is not set: using a development secret kept in ${config.dataDir}/dev_auth_secret.\n` +
        `  Get a token with: deno task token service   (or: deno task token learner <USER_ID>)`,
    );
  }

  const db = await openDatabase(config.database);
  console.log(`Database: ${db.label}`);
  if (
    config.database.kind === "embedded" && config.env === "development" && await isEmpty(db.sql)
  ) {
    console.log("Empty embedded database: adding demo learners (deno task seed does the same)...");
    const seeded = await seedDemo(db.sql, { log: (line) => console.log(`  ${line}`) });
    console.log(
      `  ${seeded.learners} learners, ${seeded.sessions} sessions, ${seeded.snapshots} readiness snapshots`,
    );
  }

  const assets = await buildAssets();
  const app = createApp({ sql: db.sql, config: { ...config, authSecret }, assets });
  const server = Deno.serve({
    port: config.port,
    hostname: "0.0.0.0",
    onListen: ({ port }) =>
      console.log(
        `PULSE Analytics listening on http://localhost:${port}` +
          (config.env === "development" ? ` (sign in at http://localhost:${port}/demo)` : ""),
      ),
  }, app.fetch);

  const shutdown = async () => {
    await server.shutdown();
    await db.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
}

async function isEmpty(sql: Sql): Promise<boolean> {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from analytics.learners`;
  return n === 0;
}

if (import.meta.main) await main();
