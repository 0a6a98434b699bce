/**
 * Readiness recompute: `recomputeAllReadiness` for 10,000 learners × 40 events on the server
 * (PULSE_TEST_DATABASE_URL). Baseline: a bare `GROUP BY user_id, skill_tag` average over the same
 * session_events table in the same run.
 */
import { createTestDatabase, testServerUrl } from "../../lib/db/test_helpers.ts";
import { recomputeAllReadiness } from "../../lib/readiness/mod.ts";
import { catalog } from "../../lib/static_config.ts";
import type { Bench } from "./mod.ts";

const LEARNERS = 10_000;
const SESSIONS = 10;
const EVENTS_PER_SESSION = 4;
const RUNS = 4;
/** Sessions are spread over this many days before now, so every day window has data. */
const SPAN_DAYS = 60;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const readinessBench: Bench = {
  name: "readiness",
  async run() {
    if (!testServerUrl()) {
      console.log("server: skipped (set PULSE_TEST_DATABASE_URL)");
      return;
    }
    const db = await createTestDatabase();
    const { sql } = db;
    try {
      const t0 = performance.now();
      // Deterministic ids and times from the series numbers: u learner, s session, k answer.
      const learner = () => sql`md5('bench-learner-' || u)::uuid`;
      const session = () => sql`md5('bench-session-' || u || '-' || s)::uuid`;
      const at = () =>
        sql`now() - make_interval(days => ${SPAN_DAYS} - s * ${SPAN_DAYS / SESSIONS})`;
      await sql.begin(async (tx) => {
        await tx`
          insert into analytics.learners (user_id, level)
          select ${learner()}, (${catalog.levels}::text[])[1 + u % ${catalog.levels.length}]
          from generate_series(1, ${LEARNERS}) u`;
        await tx`
          insert into analytics.sessions (session_id, user_id, scenario_id, started_at)
          select ${session()}, ${learner()}, 'bench', ${at()}
          from generate_series(1, ${LEARNERS}) u, generate_series(0, ${SESSIONS - 1}) s`;
        await tx`
          insert into analytics.session_events
            (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score)
          select ${learner()}, ${session()}, 'a' || k,
                 ${at()} + make_interval(mins => k), 'bench', ${catalog.pulseSteps[0]},
                 (${catalog.skillTags}::text[])[1 + (s * ${EVENTS_PER_SESSION} + k) % ${catalog.skillTags.length}],
                 (u * 7 + s * 13 + k * 29) % 101
          from generate_series(1, ${LEARNERS}) u, generate_series(0, ${SESSIONS - 1}) s,
               generate_series(0, ${EVENTS_PER_SESSION - 1}) k`;
      });
      await sql`analyze`;
      const [{ events }] = await sql<{ events: number }[]>`
        select count(*)::int as events from analytics.session_events`;
      console.log(
        `data: ${LEARNERS.toLocaleString("en")} learners × ${
          SESSIONS * EVENTS_PER_SESSION
        } events = ${events.toLocaleString("en")} rows, generated in ${
          (performance.now() - t0).toFixed(0)
        } ms`,
      );

      // Run 1 is cold (every aggregate row inserted); later runs find the figures unchanged and
      // only read, compare and write the snapshots.
      const recompute: number[] = [];
      let batches = 0;
      for (let run = 0; run < RUNS; run++) {
        const r0 = performance.now();
        const result = await recomputeAllReadiness(sql, { trigger: "bench" });
        recompute.push(performance.now() - r0);
        batches = result.batches;
        if (result.learners !== LEARNERS) throw new Error(`recomputed ${result.learners} learners`);
      }
      const groupBy: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const g0 = performance.now();
        // Counted on the server, so the baseline is the aggregation, not shipping 60k rows.
        await sql`
          select count(*) from (
            select user_id, skill_tag, avg(score) from analytics.session_events
            group by user_id, skill_tag) g`;
        groupBy.push(performance.now() - g0);
      }
      const baseMs = median(groupBy);
      const line = (label: string, ms: number) =>
        `  ${label}: ${ms.toFixed(0)} ms = ${
          Math.round(LEARNERS / (ms / 1000)).toLocaleString("en")
        } learners/s; ratio ${(ms / baseMs).toFixed(1)}×`;
      console.log(
        [
          `server: recomputeAllReadiness (5 windows + snapshot, ${batches} batches of ${
            LEARNERS / batches
          })`,
          line("cold (first run)", recompute[0]),
          line(`warm (median of runs 2–${RUNS})`, median(recompute.slice(1))),
          `  baseline, bare GROUP BY user_id, skill_tag: ${
            baseMs.toFixed(0)
          } ms (median of ${RUNS})`,
        ].join("\n"),
      );
    } finally {
      await db.close();
    }
  },
};
