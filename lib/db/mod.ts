/** Opens the configured database (server pool or embedded PGlite), migrated and ready to serve. */
import { type DatabaseTarget, redactUrl } from "../config.ts";
import { createClient, type Sql } from "./client.ts";
import { startEmbedded } from "./embedded.ts";
import { migrateUp } from "./migrate.ts";

export type { Queryable, Sql, TransactionSql } from "./client.ts";

export interface Database {
  sql: Sql;
  /** Human description for the console, without secrets. */
  label: string;
  /** The URL dbmate and other processes can use while this database is open. */
  url: string;
  close(): Promise<void>;
}

/** Opens `target`, applies pending migrations first unless `migrate` is false. */
export async function openDatabase(
  target: DatabaseTarget,
  options: { migrate?: boolean; quiet?: boolean } = {},
): Promise<Database> {
  const migrate = options.migrate ?? true;
  if (target.kind === "server") {
    if (migrate) await migrateUp(target.url, { quiet: options.quiet });
    const sql = createClient(target.url, { max: 10 });
    return {
      sql,
      url: target.url,
      label: `PostgreSQL server ${redactUrl(target.url)} (from ${target.source})`,
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const embedded = await startEmbedded(target.dataDir);
  try {
    if (migrate) await migrateUp(embedded.url, { quiet: options.quiet });
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  const sql = createClient(embedded.url, { max: 1 });
  return {
    sql,
    url: embedded.url,
    label:
      `embedded PGlite database in ${target.dataDir} (set PULSE_ANALYTICS_DATABASE_URL to use a server)`,
    async close() {
      await sql.end({ timeout: 5 });
      await embedded.stop();
    },
  };
}
