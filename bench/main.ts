/**
 * `deno task bench [NAME...] [options]` — the benchmarks, each reported as a ratio against a
 * baseline measured in the same run. Runs against PULSE_TEST_DATABASE_URL's server when set, and
 * against embedded PGlite. Without names it runs every benchmark; `--help` lists them.
 */
import { parseArgs } from "node:util";
import { backfillBench } from "./backfill.ts";
import { cohortsBench } from "./cohorts.ts";
import { embeddedBench } from "./embedded.ts";
import type { Bench, BenchOptions } from "./helpers.ts";
import { ingestBench } from "./ingest.ts";
import { readinessBench } from "./readiness.ts";
import { readsBench } from "./reads.ts";
import { validityBench } from "./validity.ts";

const BENCHES: Bench[] = [
  ingestBench,
  readinessBench,
  cohortsBench,
  readsBench,
  backfillBench,
  validityBench,
  embeddedBench,
];

const USAGE = [
  "usage: deno task bench [NAME...] [--pool N] [--seconds N] [--keep NAME] [--rounds N]",
  "",
  "Benchmarks (all of them when no NAME is given):",
  ...BENCHES.map((b) => `  ${b.name.padEnd(10)} ${b.summary}`),
  "",
  "Options (reads):",
  "  --pool N      database connections of the server under test (default 4)",
  "  --seconds N   seconds per measurement (default 5)",
  "  --keep NAME   a database of that name on the test server, seeded once and kept",
  "",
  "Options (embedded):",
  "  --rounds N    interleaved rounds: of PGlite alone and a fresh start (embedded), of every endpoint (reads); default 3",
  "",
  "Environment:",
  "  PULSE_TEST_DATABASE_URL  the Postgres server to measure on (readiness, cohorts and reads",
  "                           need it; ingest and backfill also run on embedded PGlite)",
  "  PULSE_BENCH_LEARNERS     the number of learners (readiness, cohorts, validity, reads): fewer",
  "                           for a quick try, 100000 for the readiness bench at full size",
  "  PULSE_BENCH_RUNS         rounds of the readiness bench (default 3)",
].join("\n");

/** A bad command line: printed with the usage, exit code 2. */
class UsageError extends Error {}

/** The benchmarks and options the command line names; a bad one is a UsageError. */
function parse(args: string[]): { help: boolean; wanted: Bench[]; options: BenchOptions } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        pool: { type: "string" },
        seconds: { type: "string" },
        keep: { type: "string" },
        rounds: { type: "string" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const unknown = positionals.filter((name) => !BENCHES.some((b) => b.name === name));
  if (unknown.length) throw new UsageError(`unknown benchmark: ${unknown.join(", ")}`);
  const count = (name: "pool" | "seconds" | "rounds") => {
    if (values[name] === undefined) return undefined;
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) {
      throw new UsageError(`--${name}: not a positive whole number: ${values[name]}`);
    }
    return n;
  };
  return {
    help: values.help ?? false,
    wanted: positionals.length ? BENCHES.filter((b) => positionals.includes(b.name)) : BENCHES,
    options: {
      pool: count("pool"),
      seconds: count("seconds"),
      keep: values.keep,
      rounds: count("rounds"),
    },
  };
}

let command;
try {
  command = parse(Deno.args);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`bench: ${error.message}\n${USAGE}`);
  Deno.exit(2);
}
if (command.help) {
  console.log(USAGE);
  Deno.exit(0);
}
for (const bench of command.wanted) {
  console.log(`\n=== ${bench.name}`);
  await bench.run(command.options);
}
