/**
 * Cohort time-to-readiness at 100,000 learners × 20 snapshots on the server
 * (PULSE_TEST_DATABASE_URL). Floors, measured in the same run: scans of the learners table (a
 * count in the database, every row read in the database, and every learner read into the app).
 * Reports thresholds on whole points and between them (both read readiness_progress, kept as
 * snapshots are written) as ratios. `PULSE_BENCH_LEARNERS`
 * scales it down.
 */
import { refreshProgress, timeToReadiness } from "../lib/readiness/mod.ts";
import { type Bench, median, serverDatabase, serverOrSkip, timeRuns } from "./helpers.ts";
import { catalog } from "../lib/shipped_config.ts";

const LEARNERS = Number(Deno.env.get("PULSE_BENCH_LEARNERS") ?? 100_000);
const SNAPSHOTS = 20;
const RUNS = 5;

/** Each of RUNS runs' milliseconds. */
const time = (fn: () => Promise<unknown>) => timeRuns(RUNS, fn);

export const cohortsBench: Bench = {
  name: "cohorts",
  summary: "time-to-readiness at 100,000 learners × 20 snapshots vs scans of the learners table",
  async run() {
    if (!serverOrSkip()) return;
    const db = await serverDatabase();
    const { sql } = db;
    try {
      const t0 = performance.now();
      await sql`
        insert into analytics.learners (user_id, level)
        select md5('cohort-' || u)::uuid, (${catalog.levels}::text[])[1 + u % ${catalog.levels.length}]
        from generate_series(1, ${LEARNERS}) u`;
      // Readiness that climbs from 20–50 by 0–4 points a snapshot, one snapshot every 3 days, at
      // a time of day that varies by learner and session (so times to readiness are spread out).
      await sql`
        insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
        select md5('cohort-' || u)::uuid,
               timestamptz '2026-01-01' + make_interval(days => 3 * s + u % 3)
                 + make_interval(secs => abs(hashtext(u || ':' || s)) % 43200),
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

      // Warm both: the floors and the cohort query read from shared buffers alike.
      const count = () => sql`select count(*), count(level) from analytics.learners`;
      const rows = () => sql`select count(l.*) from analytics.learners l`;
      const read = () => sql`select user_id, level from analytics.learners`;
      await count();
      await rows();
      await read();
      await timeToReadiness(sql, { from: 40, to: 70 });
      const floors = {
        count: median(await time(count)),
        rows: median(await time(rows)),
        read: median(await time(read)),
      };
      const whole = await time(() => timeToReadiness(sql, { from: 40, to: 70 }));
      const senior = await time(() => timeToReadiness(sql, { from: 40, to: 70, level: "senior" }));
      const between = await time(() => timeToReadiness(sql, { from: 40, to: 70.5 }));
      const r = await timeToReadiness(sql, { from: 40, to: 70 });
      const line = (label: string, xs: number[]) =>
        `  ${label}: ${median(xs).toFixed(1)} ms = ${
          (median(xs) / floors.count).toFixed(2)
        }× the count, ${(median(xs) / floors.rows).toFixed(2)}× the rows read, ${
          (median(xs) / floors.read).toFixed(2)
        }× the learners read [${
          xs.map((x) => (x / floors.count).toFixed(1)).join(", ")
        }× the count]`;
      console.log(
        [
          `server, median of ${RUNS} (ratios to the learners-table scans; each run against the count in brackets):`,
          `  floor, count of the learners table in the database: ${floors.count.toFixed(1)} ms`,
          `  floor, every learners row read in the database (count(l.*)): ${
            floors.rows.toFixed(1)
          } ms`,
          `  floor, every learner (id, level) read into the app: ${floors.read.toFixed(1)} ms`,
          line("time-to-readiness 40→70, every level (readiness_progress)", whole),
          line("time-to-readiness 40→70, senior (readiness_progress)", senior),
          line("time-to-readiness 40→70.5 (between whole points)", between),
          `  answer: ${r.learners.reached_from} reached 40, ${r.learners.reached_to} reached 70, KM median ${r.kaplan_meier.median_days} days, ${r.kaplan_meier.curve.length} curve steps`,
        ].join("\n"),
      );
      const plan = await sql.unsafe(
        `explain (analyze, buffers)
         with obs as materialized (
           select round(date_part('epoch',
                    coalesce(p.best_at[width_bucket(6999, p.best_hundredths) + 1], p.last_ts)
                    - p.best_at[width_bucket(3999, p.best_hundredths) + 1]) * 1e6)::int8 as us,
                  p.best_at[width_bucket(6999, p.best_hundredths) + 1] is not null as reached
           from analytics.readiness_progress p
           where p.best_hundredths[cardinality(p.best_hundredths)] >= 4000
         )
         select (us + 432000000) / 864000000 as hundredths, reached, count(*), sum(us), min(us),
                max(us)
         from obs group by 1, 2`,
      );
      console.log("\nEXPLAIN ANALYZE of the cohort statement (every level):");
      console.log(plan.map((r) => Object.values(r)[0]).join("\n"));
      const [size] = await sql<{ progress: string; learners: string }[]>`
        select pg_size_pretty(pg_total_relation_size('analytics.readiness_progress')) as progress,
               pg_size_pretty(pg_total_relation_size('analytics.learners')) as learners`;
      console.log(`\nsizes: readiness_progress ${size.progress}, learners ${size.learners}`);
    } finally {
      await db.close();
    }
  },
};
