/**
 * `deno task db:migrate` / `db:status` / `db:rollback` — dbmate against the configured database
 * (the embedded one is opened for the duration). `deno task db:new NAME` creates a migration file.
 */
import { ConfigError, loadConfig } from "../lib/config.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { runDbmate } from "../lib/db/migrate.ts";
import { exitOnHelp } from "./_ops.ts";

exitOnHelp("usage: deno task db:migrate | db:status | db:rollback | db:new NAME");
const [command, ...rest] = Deno.args;
const commands: Record<string, string[]> = {
  up: ["up"],
  status: ["status"],
  rollback: ["rollback"],
  new: ["new", ...rest],
};
if (!command || !commands[command] || (command === "new" && rest.length !== 1)) {
  console.error("usage: deno run -A scripts/db.ts up | status | rollback | new NAME");
  Deno.exit(2);
}

try {
  const config = loadConfig();
  if (command === "new") {
    await runDbmate("postgres://unused", commands.new);
  } else if (config.database.kind === "server") {
    await runDbmate(config.database.url, commands[command]);
  } else {
    // Opened here, or through the process that has it open (one owner per data directory).
    const db = await openDatabase(config.database, { migrate: false, role: `db:${command}` });
    console.log(`Database: ${db.label}`);
    try {
      await runDbmate(db.url, commands[command]);
    } finally {
      await db.close();
    }
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  Deno.exit(1);
}
