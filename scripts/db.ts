/**
 * `deno task db:migrate` / `db:status` / `db:rollback` — dbmate against the configured database
 * (the embedded one is opened for the duration). `deno task db:new NAME` creates a migration file.
 */
import { ConfigError, loadConfig } from "../lib/config.ts";
import { startEmbedded } from "../lib/db/embedded.ts";
import { runDbmate } from "../lib/db/migrate.ts";

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
    console.log(`Embedded database in ${config.database.dataDir}`);
    const embedded = await startEmbedded(config.database.dataDir);
    try {
      await runDbmate(embedded.url, commands[command]);
    } finally {
      await embedded.stop();
    }
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  Deno.exit(1);
}
