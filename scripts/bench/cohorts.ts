/**
 * Cohort time-to-readiness at 100,000 learners × 20 snapshots on the server
 * (PULSE_TEST_DATABASE_URL). Floor, measured in the same run: a scan of the learners table.
 * Reports whole-point thresholds (readiness_crossings, kept as snapshots are written) and a threshold that is
 * not a whole point (every snapshot read) as ratios. `PULSE_BENCH_LEARNERS` scales it down.
 */
import { createTestDatabase, testServerUrl } from "../../lib/db/test_helpers.ts";
import { timeToReadiness } from "../../lib/readiness/mod.ts";
import { refreshProgress } from "../../lib/readiness/snapshots.ts";
import { catalog } from "../../lib/static_config.ts";
import type { Bench } from "./mod.ts";

const LEARNERS = Number(Deno.env.get("PULSE_BENCH_LEARNERS") ?? 100_000);
const SNAPSHOTS = 20;
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export const cohortsBench: Bench = {
  name: "cohorts",
  async run() {
    if (!testServerUrl()) {
      console.log("server: skipped (set PULSE_TEST_DATABASE_URL)");
      return;
    }
    const db = await createTestDatabase();
    const { sql } = db;
    try {
      const t0 = performance.now();
      await sql`
        insert into analytics.learners (user_id, level)
        select md5('cohort-' || u)::uuid, (${catalog.levels}::text[])[1 + u % ${catalog.levels.length}]
        from generate_series(1, ${LEARNERS}) u`;
      // Readiness that climbs from 20–50 by 0–4 points a snapshot, one snapshot every 3 days.
      await sql`
        insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
        select md5('cohort-' || u)::uuid,
               timestamptz '2026-01-01' + make_interval(days => 3 * s + u % 3),
               least(100, 20 + u % 31 + s * (u % 5) + (s * 7 + u) % 3)::numeric(5, 2),
               'x', '{"sufficient_evidence": true}'::jsonb
        from generate_series(1, ${LEARNERS}) u, generate_series(0, ${SNAPSHOTS - 1}) s`;
      const ids = (await sql<{ user_id: string }[]>`
        select user_id from analytics.learners order by user_id`).map((r) => r.user_id);
      for (let i = 0; i < ids.length; i += 10_000) {
        await sql.begin((tx) => refreshProgress(tx, ids.slice(i, i + 10_000)));
      }
      await sql`vacuum analyze`;
      console.log(
        `data: ${
          LEARNERS.toLocaleString("en")
        } learners × ${SNAPSHOTS} snapshots, with progress rows, in ${
          (performance.now() - t0).toFixed(0)
        } ms`,
      );

      // Warm both: the floor and the cohort query read from shared buffers alike.
      await sql`select count(*), count(level) from analytics.learners`;
      await timeToReadiness(sql, { from: 40, to: 70 });
      const floor = await time(() => sql`select count(*), count(level) from analytics.learners`);
      const whole = await time(() => timeToReadiness(sql, { from: 40, to: 70 }));
      const senior = await time(() => timeToReadiness(sql, { from: 40, to: 70, level: "senior" }));
      const scan = await time(() => timeToReadiness(sql, { from: 40, to: 70.5 }));
      const r = await timeToReadiness(sql, { from: 40, to: 70 });
      const base = median(floor);
      const line = (label: string, xs: number[]) =>
        `  ${label}: ${median(xs).toFixed(1)} ms = ${(median(xs) / base).toFixed(2)}× [${
          xs.map((x) => (x / base).toFixed(2)).join(", ")
        }]`;
      console.log(
        [
          `server, median of ${RUNS} (ratios to the learners scan; each run's ratio in brackets):`,
          `  floor, scan of the learners table: ${base.toFixed(1)} ms`,
          line("time-to-readiness 40→70, every level (readiness_crossings)", whole),
          line("time-to-readiness 40→70, senior (readiness_crossings)", senior),
          line("time-to-readiness 40→70.5 (not whole points: every snapshot read)", scan),
          `  answer: ${r.learners.reached_from} reached 40, ${r.learners.reached_to} reached 70, KM median ${r.kaplan_meier.median_days} days`,
        ].join("\n"),
      );
      const plan = await sql.unsafe(
        `explain (analyze, buffers)
         select extract(epoch from t.reached_at - f.reached_at) / 86400 as days_to,
                extract(epoch from p.last_ts - f.reached_at) / 86400 as days_observed
         from analytics.readiness_crossings f
         join analytics.readiness_progress p on p.user_id = f.user_id
         left join analytics.readiness_crossings t on t.user_id = f.user_id and t.threshold = 70
         where f.threshold = 40`,
      );
      console.log("\nEXPLAIN ANALYZE of the per-learner read:");
      console.log(plan.map((r) => Object.values(r)[0]).join("\n"));
    } finally {
      await db.close();
    }
  },
};
