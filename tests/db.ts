/**
 * Test databases: a fresh database on the server named by PULSE_TEST_DATABASE_URL (created for the
 * run and dropped afterwards), or an in-memory embedded PGlite database when it is not set.
 */
import { createClient, type Sql } from "../lib/db/client.ts";
import { startEmbedded } from "../lib/db/embedded.ts";
import { migrateUp } from "../lib/db/migrate.ts";

export interface TestDatabase {
  sql: Sql;
  url: string;
  kind: "server" | "embedded";
  close(): Promise<void>;
}

// `deno test --parallel` loads this module once per worker, all in one process: the random part
// keeps two workers that load it in the same millisecond from choosing the same database name.
const RUN_ID = `${Date.now().toString(36)}_${Deno.pid}_${crypto.randomUUID().slice(0, 8)}`;
let counter = 0;

/** The server URL for tests, or null when tests use embedded PGlite. */
export function testServerUrl(): string | null {
  return Deno.env.get("PULSE_TEST_DATABASE_URL") || null;
}

/** Where a test database lives: a server URL, or null for embedded PGlite. */
export interface TestDatabaseOptions {
  serverUrl?: string | null;
}

/** Creates an empty (unmigrated) database for one test file or test (server from env by default). */
export async function createEmptyTestDatabase(
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const serverUrl = options.serverUrl === undefined ? testServerUrl() : options.serverUrl;
  if (!serverUrl) {
    const embedded = await startEmbedded("memory://");
    const sql = createClient(embedded.url, { max: 1, prepare: false });
    return {
      sql,
      url: embedded.url,
      kind: "embedded",
      async close() {
        await sql.end({ timeout: 5 });
        await embedded.stop();
      },
    };
  }
  const name = `pulse_test_${RUN_ID}_${++counter}`;
  const admin = createClient(serverUrl, { max: 1 });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (!url.searchParams.has("sslmode")) url.searchParams.set("sslmode", "disable");
  const sql = createClient(url.toString(), { max: 10 });
  return {
    sql,
    url: url.toString(),
    kind: "server",
    async close() {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/** Creates a database with every migration applied. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const db = await createEmptyTestDatabase(options);
  try {
    await migrateUp(db.url, { quiet: true });
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** Empties every analytics table (between tests that share one database). */
export async function truncateAll(sql: Sql): Promise<void> {
  const tables = await sql<{ name: string }[]>`
    select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'analytics'`;
  if (tables.length > 0) {
    await sql.unsafe(`truncate ${tables.map((t) => t.name).join(", ")} restart identity cascade`);
  }
}
