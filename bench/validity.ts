/**
 * The validity report at 100,000 learners (10 snapshots each) and 50,000 outcomes on the server
 * (PULSE_TEST_DATABASE_URL), timed against its 2 s target; and the formula backtest of those
 * outcomes against a full recompute of the paired learners as of their outcomes (the write path,
 * rolled back), as a ratio against its 2× target. `PULSE_BENCH_LEARNERS` scales it down; `--keep
 * NAME` seeds a database of that name once and reuses it.
 */
import type { Sql } from "../lib/db/mod.ts";
import { computeReadiness } from "../lib/readiness/mod.ts";
import { backtest, pairOutcomes, validityReport } from "../lib/validity/mod.ts";
import { loadStaticConfig } from "../lib/static_config.ts";
import {
  type Bench,
  keptDatabase,
  median,
  ms,
  serverDatabase,
  serverOrSkip,
  timeRuns,
  times,
} from "./helpers.ts";

const { catalog, readiness: readinessConfig } = loadStaticConfig();

const LEARNERS = Number(Deno.env.get("PULSE_BENCH_LEARNERS") ?? 100_000);
/** Learners with an outcome (one each), and so with sessions to recompute from. */
const PAIRED = Math.floor(LEARNERS / 2);
const SNAPSHOTS = 10;
const SESSIONS = 6;
const EVENTS_PER_SESSION = 4;
const RUNS = 3;
const PERIOD = { from: new Date("2025-06-01T00:00:00Z"), to: new Date("2026-12-01T00:00:00Z") };

/** Rolls back whatever `fn` wrote. */
class Rollback extends Error {}

/**
 * The bench's data: `learners` learners with 10 snapshots each; half of them with 6 sessions of 4
 * answers and one outcome each.
 */
export async function seedValidityData(sql: Sql, learners: number) {
  const paired = Math.floor(learners / 2);
  const learner = () => sql`md5('validity-' || u)::uuid`;
  const session = () => sql`md5('validity-session-' || u || '-' || s)::uuid`;
  // Session s of learner u: a week apart from 2026-01-05, at a time of day that varies.
  const at = () => sql`timestamptz '2026-01-05' + make_interval(days => 7 * s, secs => u % 43200)`;
  await sql.begin(async (tx) => {
    await tx`
      insert into analytics.learners (user_id, level)
      select ${learner()}, (${catalog.levels}::text[])[1 + u % ${catalog.levels.length}]
      from generate_series(1, ${learners}) u`;
    // Readiness that climbs by learner, one snapshot every 5 days.
    await tx`
      insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
      select ${learner()}, timestamptz '2026-01-01' + make_interval(days => 5 * s, secs => u % 43200),
             least(100, 20 + u % 41 + s * (u % 4))::numeric(5, 2), 'x',
             jsonb_build_object('sufficient_evidence', true, 'formula_version', 'bench')
      from generate_series(1, ${learners}) u, generate_series(0, ${SNAPSHOTS - 1}) s`;
    await tx`
      insert into analytics.sessions (session_id, user_id, scenario_id, started_at)
      select ${session()}, ${learner()}, 'bench', ${at()}
      from generate_series(1, ${paired}) u, generate_series(0, ${SESSIONS - 1}) s`;
    await tx`
      insert into analytics.session_events
        (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score)
      select ${learner()}, ${session()}, 'a' || k, ${at()} + make_interval(mins => k), 'bench',
             ${catalog.pulseSteps[0]},
             (${catalog.skillTags}::text[])[1 + (s * ${EVENTS_PER_SESSION} + k) % ${catalog.skillTags.length}],
             ((u * 7 + s * 13 + k * 29) % 10001) / 100.0
      from generate_series(1, ${paired}) u, generate_series(0, ${SESSIONS - 1}) s,
           generate_series(0, ${EVENTS_PER_SESSION - 1}) k`;
    // One outcome per paired learner between its 3rd and 6th session; passing more often the
    // higher the learner's number (readiness climbs with it above).
    await tx`
      insert into analytics.interview_outcomes (user_id, outcome_id, occurred_at, result)
      select ${learner()}, 'o1',
             timestamptz '2026-01-20' + make_interval(days => u % 21, secs => u % 43200 + 1),
             case when abs(hashtext('r' || u)) % 100 < 30 + u % 41 then 'passed'
                  else 'failed' end
      from generate_series(1, ${paired}) u`;
  });
}

export const validityBench: Bench = {
  name: "validity",
  summary: "validity report at 100,000 learners × 50,000 outcomes; backtest vs a full recompute",
  async run(options) {
    if (!serverOrSkip()) return;
    const keep = options.keep;
    const db = keep ? await keptDatabase(keep) : await serverDatabase();
    const { sql } = db;
    try {
      const t0 = performance.now();
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from analytics.learners`;
      if (n > 0) {
        console.log(`data: kept database ${keep} (${n.toLocaleString("en")} learners)`);
        // The last run's rolled-back recomputes left dead snapshots, the ones the pairing would
        // meet first: cleared, so a kept database is timed as a freshly seeded one.
        await sql`vacuum analyze analytics.user_readiness`;
      } else {
        await seedValidityData(sql, LEARNERS);
        await sql`vacuum analyze`;
      }
      if (n === 0) {
        console.log(
          `data: ${LEARNERS.toLocaleString("en")} learners × ${SNAPSHOTS} snapshots, ${
            PAIRED.toLocaleString("en")
          } outcomes, ${
            PAIRED.toLocaleString("en")
          } learners × ${SESSIONS} sessions × ${EVENTS_PER_SESSION} answers, in ${
            ms(performance.now() - t0)
          }`,
        );
      }

      await validityReport(sql, PERIOD, readinessConfig);
      const pairing = await timeRuns(RUNS, () => pairOutcomes(sql, PERIOD));
      const report = await timeRuns(RUNS, () => validityReport(sql, PERIOD, readinessConfig));
      const r = await validityReport(sql, PERIOD, readinessConfig);
      console.log(
        `validity report: ${ms(median(report))} (target ≤ 2000 ms) [${
          report.map((x) => x.toFixed(0)).join(", ")
        }]; ${r.paired} paired, ${r.unpaired} unpaired, AUC ${r.auc.value}`,
      );
      console.log(`  the pairing statement alone: ${ms(median(pairing))}`);

      // The baseline: the recompute's write path for the paired learners as of their outcomes,
      // in batches of the configured size, each rolled back.
      const outcomes = await sql<{ user_id: string; t: string }[]>`
        select user_id::text, to_json(occurred_at) #>> '{}' as t
        from analytics.interview_outcomes order by user_id`;
      const batch = readinessConfig.recompute.batch_size;
      const recompute = async () => {
        for (let i = 0; i < outcomes.length; i += batch) {
          const moments = outcomes.slice(i, i + batch);
          await sql.begin(async (tx) => {
            await computeReadiness(tx, moments.map((m) => m.user_id), {
              at: { kind: "moments", moments },
              details: false,
              trigger: "bench",
              config: readinessConfig,
            });
            throw new Rollback();
          }).catch((error) => {
            if (!(error instanceof Rollback)) throw error;
          });
        }
      };
      const weights = (t: number, c: number, s: number, b: number) => ({
        technical: { ...readinessConfig.components.technical, weight: t },
        communication: { ...readinessConfig.components.communication, weight: c },
        structure: { ...readinessConfig.components.structure, weight: s },
        behavioral: { ...readinessConfig.components.behavioral, weight: b },
      });
      const sameWindow = {
        ...readinessConfig,
        formula_version: "bench-weights",
        components: weights(0.4, 0.2, 0.2, 0.2),
      };
      const otherWindow = { ...sameWindow, readiness_window: "last_10_sessions" };
      await recompute();
      const full = median(await timeRuns(RUNS, recompute));
      const same = median(
        await timeRuns(RUNS, () => backtest(sql, PERIOD, sameWindow, readinessConfig)),
      );
      const other = median(
        await timeRuns(RUNS, () => backtest(sql, PERIOD, otherWindow, readinessConfig)),
      );
      const b = await backtest(sql, PERIOD, sameWindow, readinessConfig);
      console.log(
        `floor: a full recompute of the ${outcomes.length.toLocaleString("en")} paired learners ` +
          `as of their outcomes (computeReadiness at each outcome's occurred_at, batches of ${batch}, ` +
          `each rolled back): ${ms(full)} (median of ${RUNS})`,
      );
      console.log(
        `  backtest, other weights (one window statement): ${ms(same)} = ${
          times(same / full)
        } the recompute (target ≤ 2×); AUC ${b.current.auc.value} → ${b.candidate.auc.value}`,
      );
      console.log(
        `  backtest, other window (two window statements): ${ms(other)} = ${
          times(other / full)
        } the recompute (target ≤ 2×)`,
      );
    } finally {
      await db.close();
    }
  },
};
