/** Entry point: configuration → database (server or embedded, migrated) → HTTP server. */
import { createApp } from "./app.ts";
import { ensureDevSecret } from "./lib/auth.ts";
import { type Config, ConfigError, loadConfig } from "./lib/config.ts";
import {
  DatabaseUnreachableError,
  openDatabase,
  OwnedElsewhereError,
  returnFreedMemory,
  SERVER_DEADLINE_MS,
  type Sql,
} from "./lib/db/mod.ts";
import { demoCohortIncomplete, seedDemo } from "./lib/demo/seed.ts";
import { log } from "./lib/log.ts";
import { type ReadinessRunner, startReadinessRunner } from "./lib/readiness/mod.ts";
import { fillActivity, lowSkillRule } from "./lib/sessions/activity.ts";
import { loadStaticConfig, type StaticConfig } from "./lib/static_config.ts";
import { survive } from "./lib/survive.ts";
import { buildAssets } from "./lib/ui/build.ts";
import { isCitus } from "./lib/db/citus.ts";
import { lookUpEachAlone } from "./lib/readiness/read/kept_lookup.ts";

/** Prints one line and exits 1: start-up failures are settings to fix, not stack traces. */
function fail(message: string): never {
  log.error(message);
  Deno.exit(1);
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  let settings: StaticConfig;
  try {
    settings = loadStaticConfig();
  } catch (error) {
    fail((error as Error).message);
  }
  // The islands bundle builds in its own process while the database starts.
  const building = buildAssets();
  building.catch(() => {});
  let authSecret = config.authSecret;
  if (!authSecret) {
    authSecret = await ensureDevSecret(config.dataDir);
    log.info(
      `PULSE_AUTH_SECRET is not set: using a development secret kept in ${config.dataDir}/dev_auth_secret. ` +
        `Get a token with: deno task token service   (or: deno task token learner <USER_ID>)`,
    );
  }

  let db;
  try {
    db = await openDatabase(config.database, {
      embedded: "own",
      role: "server",
      deadlineMs: SERVER_DEADLINE_MS,
    });
  } catch (error) {
    if (error instanceof OwnedElsewhereError) {
      fail(
        `PULSE_DATA_DIR: ${error.message}; stop that process first, or set PULSE_DATA_DIR to another directory`,
      );
    }
    if (error instanceof DatabaseUnreachableError) fail(error.message);
    fail(`Database start-up failed: ${(error as Error).message}`);
  }
  survive();
  log.info(`Database: ${db.label}`);
  if (config.database.kind !== "embedded" && await isCitus(db.sql)) {
    // Distributed by learner: a read names its own learner, so it goes to that learner's shard.
    lookUpEachAlone(db.sql);
    log.info("Database distributed by learner (Citus): each kept read looks up its own learner");
  }
  // A fresh embedded database gets the demo data (deno task seed does the same): the named demo
  // people before the server listens, the ~200-learner demo cohort right after, in small
  // transactions, so that the site is up as soon as the people are in.
  const seedNow = new Date();
  const demo = config.database.kind === "embedded" && config.env === "development" &&
    await isEmpty(db.sql);
  if (demo) {
    log.info("Empty embedded database: adding the demo people (deno task seed does the same)...");
    await seedDemo(db.sql, settings, {
      part: "people",
      now: seedNow,
      log: (line) => log.info(line),
    });
  }

  const assets = await building;
  if (db.embedded === "owner") returnFreedMemory();
  const app = createApp({ sql: db.sql, config: { ...config, authSecret }, settings, assets });
  const shown = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const server = Deno.serve({
    port: config.port,
    hostname: config.host,
    onListen: ({ port, hostname }) =>
      log.info(
        `PULSE Analytics listening on http://${shown}:${port}` +
          (config.env === "development" ? ` (sign in at http://${shown}:${port}/demo)` : ""),
        { host: hostname, port },
      ),
  }, app.fetch);

  // Activity rows kept under another low-skill rule (the config changed) or missing are judged
  // again in the background; until then the needs-attention list reads those learners' answers.
  fillActivity(db.sql, lowSkillRule(settings), settings.readiness.recompute.batch_size).then(
    (n) => n > 0 && log.info(`Kept activity judged again for ${n} learners`),
    (error) => log.error(`Kept activity: ${error instanceof Error ? error.message : error}`),
  );

  let stopping = false;
  // Every process runs one; the recompute lock lets one of them work at a time. While the demo
  // cohort is written, its replay holds that lock batch by batch: the runner starts after it.
  let runner: ReadinessRunner | null = null;
  const startRunner = () => {
    if (!(config.readinessIntervalSeconds > 0) || stopping) return;
    runner = startReadinessRunner(db.sql, {
      intervalSeconds: config.readinessIntervalSeconds,
      config: settings.readiness,
    });
    log.info(`Readiness runner: checking every ${config.readinessIntervalSeconds} s`);
  };
  const cohortToWrite = demo ||
    (config.database.kind === "embedded" && config.env === "development" &&
      await demoCohortIncomplete(db.sql, settings.catalog));
  if (cohortToWrite) {
    log.info("Adding the demo cohort in the background...");
    const t0 = performance.now();
    seedDemo(db.sql, settings, { part: "cohort", now: seedNow }).then(
      (r) =>
        log.info(
          `Demo cohort ready in ${
            Math.round(performance.now() - t0)
          } ms: ${r.learners} learners, ` +
            `${r.sessions} sessions, ${r.snapshots} readiness snapshots`,
        ),
      (error) =>
        stopping
          ? log.info("Demo cohort: stopped before it was in; the next start writes the rest")
          : log.error(`Demo cohort: ${error instanceof Error ? error.message : error}`),
    ).finally(startRunner);
  } else {
    startRunner();
  }

  const shutdown = async (signal: Deno.Signal) => {
    if (stopping) return;
    stopping = true;
    log.info(`shutting down (${signal})…`);
    // Whatever hangs (a stuck client, a driver waiting on a dead socket), the process ends.
    setTimeout(() => Deno.exit(1), 20_000);
    // Stop taking requests and the runner (after its current batch), let the requests in flight
    // finish (10 s at most), then close the database (which releases the embedded data
    // directory's lock). A run cut short loses nothing: its learners stay marked pending.
    await Promise.race([
      Promise.all([server.shutdown(), runner?.stop()]),
      new Promise((r) => setTimeout(r, 10_000)),
    ]);
    await db.close().catch(() => {});
    log.info("stopped");
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
}

async function isEmpty(sql: Sql): Promise<boolean> {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from analytics.learners`;
  return n === 0;
}

if (import.meta.main) await main();
