/**
 * `deno task db:migrate` / `db:status` / `db:rollback` — dbmate against the configured database
 * (the embedded one is opened for the duration). `deno task db:new NAME` creates a migration file.
 * `deno task db:distribute` distributes the tables by learner when the database is a Citus
 * coordinator (docs/citus.md), and says so and does nothing otherwise.
 */
import { ConfigError, loadConfig } from "../lib/config.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { runDbmate } from "../lib/db/migrate.ts";
import { distribute } from "../lib/db/citus.ts";
import { createClient } from "../lib/db/client.ts";
import { exitOnHelp } from "./_ops.ts";

exitOnHelp("usage: deno task db:migrate | db:status | db:rollback | db:distribute | db:new NAME");
const [command, ...rest] = Deno.args;
const commands: Record<string, string[]> = {
  up: ["up"],
  status: ["status"],
  rollback: ["rollback"],
  new: ["new", ...rest],
  distribute: [],
};

/** Distributes the tables when the database at `url` is a Citus coordinator. */
async function distributeAt(url: string): Promise<void> {
  const sql = createClient(url, { max: 1 });
  try {
    for (const line of await distribute(sql)) console.log(line);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
if (!command || !commands[command] || (command === "new" && rest.length !== 1)) {
  console.error("usage: deno run -A scripts/db.ts up | status | rollback | distribute | new NAME");
  Deno.exit(2);
}

try {
  const config = loadConfig();
  if (command === "new") {
    await runDbmate("postgres://unused", commands.new);
  } else if (config.database.kind === "server") {
    if (command === "distribute") await distributeAt(config.database.url);
    else await runDbmate(config.database.url, commands[command]);
  } else {
    // Opened here, or through the process that has it open (one owner per data directory).
    const db = await openDatabase(config.database, { migrate: false, role: `db:${command}` });
    console.log(`Database: ${db.label}`);
    try {
      // The database's own client: embedded clients share one session (no prepared statements).
      if (command === "distribute") {
        for (const line of await distribute(db.sql)) console.log(line);
      } else await runDbmate(db.url, commands[command]);
    } finally {
      await db.close();
    }
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  Deno.exit(1);
}
