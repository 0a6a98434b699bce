/**
 * Shared plumbing of the ops scripts (backfill, import-history): exit codes, argument errors, and
 * opening the configured database without migrating it (a dry run must write nothing, schema
 * included).
 */
import { type Config, ConfigError, loadConfig } from "../lib/config.ts";
import { pendingMigrations } from "../lib/db/migrate.ts";
import { type Database, openDatabase } from "../lib/db/mod.ts";
import { devSecretPath } from "../lib/auth.ts";
import { useErasureKey } from "../lib/privacy/tombstones.ts";
import { loadStaticConfig, type StaticConfig } from "../lib/static_config.ts";

/** 0: every item inserted or skipped; 1: some item failed or the run aborted; 2: usage or config. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** With `--help` or `-h` among the arguments: prints `usage` to stdout and exits 0. */
export function exitOnHelp(usage: string, args: string[] = Deno.args): void {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    Deno.exit(EXIT_OK);
  }
}

/** Bad command line or environment: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Configuration from the environment; a bad environment is a UsageError. */
export function opsConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** config/*.json, validated; a bad file is a UsageError naming the file and the field. */
export function opsStaticConfig(): StaticConfig {
  try {
    return loadStaticConfig();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * The development token secret the server keeps in the data directory, if it made one; else null
 * (then no server wrote a tombstone with it either, and the unconfigured key is used).
 */
async function devSecret(dataDir: string): Promise<string | null> {
  try {
    return (await Deno.readTextFile(devSecretPath(dataDir))).trim() || null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Opens the configured database; refuses one with pending migrations (run db:migrate first). */
export async function openOpsDatabase(config: Config): Promise<Database> {
  useErasureKey(config.erasureKey ?? config.authSecret ?? await devSecret(config.dataDir));
  const db = await openDatabase(config.database, { migrate: false });
  try {
    const pending = await pendingMigrations(db.sql);
    if (pending.length > 0) {
      throw new UsageError(
        `the database has pending migrations (${
          pending.join(", ")
        }); run deno task db:migrate first`,
      );
    }
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * Runs a script body and exits with its code: `--help` → the usage and 0, UsageError → 2 with the
 * usage text, any other error → 1 with `{prefix}: aborted: {message}`.
 */
export async function runScript(
  prefix: string,
  usage: string,
  main: () => Promise<number>,
): Promise<never> {
  exitOnHelp(usage);
  let code: number;
  try {
    code = await main();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${prefix}: ${error.message}\n${usage}`);
      code = EXIT_USAGE;
    } else {
      console.error(`${prefix}: aborted: ${(error as Error).message ?? error}`);
      code = EXIT_FAILED;
    }
  }
  Deno.exit(code);
}
