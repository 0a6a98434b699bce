/** Opens the configured database (server pool or embedded PGlite), migrated and ready to serve. */
import { type DatabaseTarget, redactUrl } from "../config.ts";
import { createClient, type Sql } from "./client.ts";
import { type EmbeddedDatabase, startEmbedded } from "./embedded.ts";
import { migrateUp } from "./migrate.ts";
import { OwnedElsewhereError, type OwnerRecord, readOwner } from "./owner.ts";

export type { Queryable, Sql, TransactionSql } from "./client.ts";
export { SERVER_DEADLINE_MS } from "./client.ts";
export { OwnedElsewhereError } from "./owner.ts";
export { returnFreedMemory } from "./embedded.ts";

export interface Database {
  sql: Sql;
  /** Human description for the console, without secrets. */
  label: string;
  /** The URL dbmate and other processes can use while this database is open. */
  url: string;
  /** How the embedded database is reached: opened here, or through its owner; null for a server. */
  embedded: "owner" | "shared" | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  quiet?: boolean;
  /**
   * Embedded only: `own` (the server) must open the data directory itself and refuses when another
   * process has it; `share` (ops tasks, the default) goes through the owner's socket when there is
   * one. `role` names this process in the lock for others' messages.
   */
  embedded?: "own" | "share";
  role?: string;
  /**
   * Server only: every query or transaction fails as "unavailable" after this many milliseconds
   * (see ClientOptions.deadlineMs). The app server sets it so that no request waits on a
   * database that stopped answering; ops tasks leave it unset.
   */
  deadlineMs?: number;
}

/** Opens `target`, applies pending migrations first unless `migrate` is false. */
export async function openDatabase(
  target: DatabaseTarget,
  options: OpenOptions = {},
): Promise<Database> {
  const migrate = options.migrate ?? true;
  if (target.kind === "server") {
    await assertReachable(target.url, target.source);
    if (migrate) await migrateUp(target.url, { quiet: options.quiet });
    // A short connect timeout: while the server is unreachable, requests fail fast with a 503.
    const sql = createClient(target.url, {
      max: 10,
      connectTimeout: 5,
      deadlineMs: options.deadlineMs,
    });
    return {
      sql,
      url: target.url,
      embedded: null,
      label: `PostgreSQL server ${redactUrl(target.url)} (from ${target.source})`,
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const mode = options.embedded ?? "share";
  let embedded: EmbeddedDatabase | null = null;
  let owner: OwnerRecord | null = null;
  try {
    embedded = await startEmbedded(target.dataDir, { role: options.role ?? "server" });
  } catch (error) {
    if (!(error instanceof OwnedElsewhereError) || mode === "own") throw error;
    owner = await ownerUrl(target.dataDir, error.owner);
  }
  const url = embedded ? embedded.url : owner!.url!;
  try {
    if (migrate) await migrateUp(url, { quiet: options.quiet });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  // One connection: PGlite is a single session shared by turns (see wire_server.ts); unnamed
  // statements only, since named ones would collide with other clients of the same session.
  const sql = createClient(url, { max: 1, prepare: false });
  const where = `embedded PGlite database in ${target.dataDir}`;
  return {
    sql,
    url,
    embedded: embedded ? "owner" : "shared",
    label: embedded
      ? `${where} (set PULSE_ANALYTICS_DATABASE_URL to use a server)`
      : `${where}, through the running ${owner!.role} (pid ${owner!.pid})`,
    async close() {
      await sql.end({ timeout: 5 });
      await embedded?.stop();
    },
  };
}

/** The configured server refused or could not be reached; the message names the variable. */
export class DatabaseUnreachableError extends Error {
  override name = "DatabaseUnreachableError";
}

/** One round trip to `url` (10 s at most), so a wrong URL stops start-up with a clear line. */
export async function assertReachable(url: string, source: string): Promise<void> {
  const probe = createClient(url, { max: 1, connectTimeout: 10 });
  try {
    await probe`select 1`;
  } catch (error) {
    const reason = (error as Error).message || (error as { code?: string }).code || String(error);
    throw new DatabaseUnreachableError(
      `${source}: cannot use the database at ${redactUrl(url)}: ${reason}`,
    );
  } finally {
    await probe.end({ timeout: 1 }).catch(() => {});
  }
}

/** Waits (up to 30 s) for a starting owner to publish its socket URL. */
async function ownerUrl(dataDir: string, first: OwnerRecord): Promise<OwnerRecord> {
  let owner: OwnerRecord | null = first;
  const deadline = Date.now() + 30_000;
  while (owner && !owner.url && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    owner = readOwner(dataDir);
  }
  if (owner?.url) return owner;
  if (!owner) throw new Error(`the process that had ${dataDir} open exited; run the task again`);
  throw new OwnedElsewhereError(dataDir, owner);
}
