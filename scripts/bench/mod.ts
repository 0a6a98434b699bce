/**
 * `deno task bench` — every benchmark, each reported as a ratio against a baseline measured in the
 * same run. Runs against PULSE_TEST_DATABASE_URL's server when set, and against embedded PGlite.
 * `deno task bench NAME...` runs only the named benchmarks.
 */
import { backfillBench } from "./backfill.ts";
import { cohortsBench } from "./cohorts.ts";
import { ingestBench } from "./ingest.ts";
import { readinessBench } from "./readiness.ts";
import { readsBench } from "./reads.ts";

export interface Bench {
  name: string;
  run(): Promise<void>;
}

const benches: Bench[] = [ingestBench, readinessBench, cohortsBench, readsBench, backfillBench];

const wanted = Deno.args.length ? benches.filter((b) => Deno.args.includes(b.name)) : benches;
for (const bench of wanted) {
  console.log(`\n=== ${bench.name}`);
  await bench.run();
}
