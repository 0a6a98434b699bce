/**
 * `deno task recompute [--user ID] [--active-since DATE]` — fresh readiness snapshots for one
 * learner or every learner with answers, on the configured database, with a progress line.
 */
import { parseArgs } from "node:util";
import { exitOnHelp } from "./_ops.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { openDatabase } from "../lib/db/mod.ts";
import {
  computeUserReadiness,
  recomputeAllReadiness,
  UnknownLearnerError,
} from "../lib/readiness/mod.ts";

const USAGE = "usage: deno task recompute [--user USER_ID] [--active-since ISO_DATE]";
exitOnHelp(USAGE);
const TRIGGER = "cli";

let args;
try {
  args = parseArgs({
    args: Deno.args,
    options: { user: { type: "string" }, "active-since": { type: "string" } },
  }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  Deno.exit(2);
}
const since = args["active-since"] ? new Date(args["active-since"]) : undefined;
if (since && Number.isNaN(since.getTime())) {
  console.error(`--active-since: not a date: ${args["active-since"]}\n${USAGE}`);
  Deno.exit(2);
}
if (args.user && !/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(args.user)) {
  console.error(`--user: not a uuid: ${args.user}\n${USAGE}`);
  Deno.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : (error as Error).message);
  Deno.exit(1);
}
const db = await openDatabase(config.database, { quiet: true });
console.log(`Database: ${db.label}`);
try {
  if (args.user) {
    const r = await computeUserReadiness(db.sql, args.user, { trigger: TRIGGER });
    const delta = r.delta === null ? "" : ` (${r.delta >= 0 ? "+" : ""}${r.delta})`;
    console.log(`${r.user_id}: readiness ${r.overall ?? "—"}${delta}, ${r.band}`);
  } else {
    const encoder = new TextEncoder();
    const result = await recomputeAllReadiness(db.sql, {
      activeSince: since,
      trigger: TRIGGER,
      onProgress: ({ done, total }) => {
        const pct = total ? Math.floor((done / total) * 100) : 100;
        Deno.stdout.writeSync(encoder.encode(`\rrecomputed ${done}/${total} learners (${pct}%)`));
      },
    });
    if (result.learners > 0) console.log();
    console.log(
      `done: ${result.learners} learners, ${result.snapshots} snapshots in ${result.batches} batches, ${result.duration_ms} ms`,
    );
  }
} catch (error) {
  if (!(error instanceof UnknownLearnerError)) throw error;
  console.error(`No learner ${error.userId}`);
  Deno.exitCode = 1;
} finally {
  await db.close();
}
