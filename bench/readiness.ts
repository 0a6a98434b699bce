/**
 * Readiness recompute at 30,000 learners × 10 sessions × 4 answers on the server
 * (PULSE_TEST_DATABASE_URL). Floor, measured in the same run: one set-based statement computing
 * every configured window of every learner × skill into a table. Reports each full recompute
 * (with its first and last ten batch times), nothing-new and 1%-new recompute as ratios, and
 * EXPLAIN ANALYZE of the main statements of a batch (auto_explain).
 * `PULSE_BENCH_LEARNERS` sets the number of learners (e.g. 100000 for the full size, or fewer for
 * a quick try), `PULSE_BENCH_RUNS` the rounds (default 3). Every round loads the data afresh and
 * runs, each against the floor measured in that round: a first full recompute (writes every
 * snapshot and aggregate), a second one (finds them unchanged), nothing new, and 1% new. The load
 * average is printed before and after: the ratios are only comparable at similar load.
 */
import postgres from "postgres";
import { insertEventRows } from "../lib/sessions/answers.ts";
import { lowSkillRule } from "../lib/sessions/activity.ts";
import { computeReadiness, recomputeAllReadiness } from "../lib/readiness/mod.ts";
import {
  type Bench,
  median,
  ms,
  serverDatabase,
  serverOrSkip,
  timed,
  truncateAll,
} from "./helpers.ts";
import { loadStaticConfig } from "../lib/static_config.ts";

const settings = loadStaticConfig();
const { catalog, readiness: readinessConfig } = settings;
const lowRule = lowSkillRule(settings);

const LEARNERS = Number(Deno.env.get("PULSE_BENCH_LEARNERS") ?? 30_000);
const SESSIONS = 10;
const EVENTS_PER_SESSION = 4;
const RUNS = Number(Deno.env.get("PULSE_BENCH_RUNS") ?? 3);
/** Sessions are spread over this many days before now, so every day window has data. */
const SPAN_DAYS = 60;

/** One full recompute: its time and the time of each of its batches. */
interface FullRun {
  ms: number;
  batches: number[];
}

/** The 1, 5 and 15 minute load averages (other work on the machine skews every ratio). */
async function loadAverage(): Promise<string> {
  const text = await Deno.readTextFile("/proc/loadavg").catch(() => "unknown");
  return text.split(" ").slice(0, 3).join(" ");
}

export const readinessBench: Bench = {
  name: "readiness",
  summary: "full, nothing-new and 1%-new recompute at 30,000 learners vs one all-windows statement",
  async run() {
    if (!serverOrSkip()) return;
    if (!(Number.isInteger(LEARNERS) && LEARNERS >= 100 && Number.isInteger(RUNS) && RUNS >= 1)) {
      throw new RangeError("PULSE_BENCH_LEARNERS must be an integer ≥ 100, PULSE_BENCH_RUNS ≥ 1");
    }
    const db = await serverDatabase();
    const { sql } = db;
    try {
      console.log(`load average before: ${await loadAverage()}`);
      // The data, loaded afresh for every round: each round's first full run is a first run
      // after the data is loaded, as an import or a new deployment meets it.
      const load = async () => {
        const t0 = performance.now();
        await truncateAll(sql);
        // Deterministic ids and times from the series numbers: u learner, s session, k answer.
        const learner = () => sql`md5('bench-learner-' || u)::uuid`;
        const session = () => sql`md5('bench-session-' || u || '-' || s)::uuid`;
        const at = () =>
          // Half a day off the whole days, so no answer leaves a day window during the bench.
          sql`now() - make_interval(days => ${SPAN_DAYS} - s * ${
            SPAN_DAYS / SESSIONS
          }, hours => 12)`;
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
                   ((u * 7 + s * 13 + k * 29) % 10001) / 100.0
            from generate_series(1, ${LEARNERS}) u, generate_series(0, ${SESSIONS - 1}) s,
                 generate_series(0, ${EVENTS_PER_SESSION - 1}) k`;
        });
        await sql`vacuum analyze`;
        const [{ events }] = await sql<{ events: number }[]>`
          select count(*)::int as events from analytics.session_events`;
        console.log(
          `data: ${
            LEARNERS.toLocaleString("en")
          } learners × ${SESSIONS} sessions × ${EVENTS_PER_SESSION} answers = ${
            events.toLocaleString("en")
          } rows, loaded in ${ms(performance.now() - t0)}; load average ${await loadAverage()}`,
        );
      };

      // Floor: one statement computing every configured window (last N sessions, N days) for
      // every learner × skill into a table: the work of a full recompute without batches, diffs
      // or snapshots.
      const windows = readinessConfig.windows;
      const alias = (prefix: string, i: number) => sql.unsafe(`${prefix}${i}`);
      const join = (parts: ReturnType<typeof sql.unsafe>[]) =>
        parts.slice(1).reduce((acc, part) => sql`${acc}, ${part}`, parts[0]);
      const perSession = windows.flatMap((w, i) =>
        w.kind === "days"
          ? [
            sql`sum(score) filter (where ts > now() - make_interval(days => ${w.size})) as ${
              alias("dt", i)
            }`,
            sql`count(*) filter (where ts > now() - make_interval(days => ${w.size})) as ${
              alias("da", i)
            }`,
          ]
          : []
      );
      const perSkill = windows.flatMap((w, i) =>
        w.kind === "sessions"
          ? [
            sql`sum(total) filter (where rn <= ${w.size}) as ${alias("t", i)}`,
            sql`sum(answers) filter (where rn <= ${w.size}) as ${alias("a", i)}`,
            sql`count(*) filter (where rn <= ${w.size}) as ${alias("c", i)}`,
          ]
          : [
            sql`sum(${alias("dt", i)}) as ${alias("t", i)}`,
            sql`sum(${alias("da", i)}) as ${alias("a", i)}`,
            sql`count(*) filter (where ${alias("da", i)} > 0) as ${alias("c", i)}`,
          ]
      );
      const unpivot = join(
        windows.map((w, i) =>
          sql`(${w.key}::text, ${alias("t", i)}, ${alias("a", i)}, ${alias("c", i)})`
        ),
      );
      const floor = async () => {
        await sql`drop table if exists bench_floor`;
        // The same work_mem as a recompute transaction, so both sort in memory alike.
        return (await timed(() =>
          sql.begin(async (tx) => {
            await tx`set local work_mem = '64MB'`;
            await tx`
          create table bench_floor as
          select k.user_id, k.skill_tag, w.key as window_key,
                 round(w.total / w.answers, 2) as avg_score, w.total as score_total,
                 w.answers::int as sample_size, w.sessions::int as session_count
          from (
            select user_id, skill_tag, ${join(perSkill)}
            from (
              select user_id, skill_tag, session_id, sum(score) as total, count(*) as answers,
                     ${join(perSession)},
                     row_number() over (partition by user_id, skill_tag
                                        order by min(ts) desc, session_id desc) as rn
              from analytics.session_events group by user_id, skill_tag, session_id
            ) r
            group by user_id, skill_tag
          ) k
          cross join lateral (values ${unpivot}) as w(key, total, answers, sessions)
          where w.answers > 0`;
          })
        ))[0];
      };
      /** Mean of the first and of the last ten batch times of a run. */
      const ends = (batchMs: number[]) => {
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        return `first 10 batches ${mean(batchMs.slice(0, 10)).toFixed(0)} ms, last 10 ${
          mean(batchMs.slice(-10)).toFixed(0)
        } ms (of ${batchMs.length})`;
      };

      /** Per round: the first full run after the load, and the second. */
      const firsts: FullRun[] = [];
      const seconds: FullRun[] = [];
      const nothing: number[] = [];
      const onePercent: number[] = [];
      const floors: number[] = [];
      let newAnswer = 0;
      /** A full run (every learner checked and scored, forced with `full`) and its batch times. */
      const fullRun = async (): Promise<FullRun> => {
        const batchMs: number[] = [];
        const [fullMs, f] = await timed(() =>
          recomputeAllReadiness(sql, {
            full: true,
            config: readinessConfig,
            onBatch: (b) => batchMs.push(b.ms),
          })
        );
        if (f.learners !== LEARNERS) throw new Error(`recomputed ${f.learners} learners`);
        return { ms: fullMs, batches: batchMs };
      };
      for (let run = 0; run < RUNS; run++) {
        await load();
        floors.push(await floor());
        // The first full run after the load writes every snapshot and aggregate; the second
        // finds them unchanged.
        firsts.push(await fullRun());
        seconds.push(await fullRun());
        const [noneMs, n] = await timed(() =>
          recomputeAllReadiness(sql, { config: readinessConfig })
        );
        if (n.learners !== 0 || n.snapshots !== 0) {
          throw new Error(`nothing new, yet ${n.learners} learners / ${n.snapshots} snapshots`);
        }
        nothing.push(noneMs);
        // 1%: a new answer (a new session) for every 100th learner, through the capture path.
        const picked = await sql<{ user_id: string }[]>`
          select user_id from analytics.learners order by user_id
          limit ${Math.ceil(LEARNERS / 100)}`;
        await sql.begin(async (tx) => {
          for (const { user_id } of picked) {
            const sessionId = crypto.randomUUID();
            await tx`
              insert into analytics.sessions (session_id, user_id, scenario_id, started_at)
              values (${sessionId}, ${user_id}, 'bench', now())`;
            await insertEventRows(tx, user_id, [{
              session_id: sessionId,
              answer_id: `new-${++newAnswer}`,
              ts: new Date().toISOString(),
              scenario_id: "bench",
              pulse_step: catalog.pulseSteps[0],
              skill_tag: "communication",
              score: 77.77,
              raw_metrics: null,
              notes: null,
            }], lowRule);
          }
        });
        const [oneMs, o] = await timed(() =>
          recomputeAllReadiness(sql, { config: readinessConfig })
        );
        // Every picked learner is computed; a new answer whose session only replaces one with
        // the same figures in the readiness window leaves the snapshot as it was (at 100,000
        // learners one of the thousand picked does), so a few may be unchanged.
        if (
          o.learners !== picked.length || o.snapshots + o.unchanged !== picked.length ||
          o.snapshots < picked.length * 0.99
        ) {
          throw new Error(
            `1% new: ${o.learners} learners, ${o.snapshots} snapshots, ${o.unchanged} unchanged`,
          );
        }
        onePercent.push(oneMs);
      }
      const full = seconds.map((r) => r.ms);
      const fullMs = median(full);
      const ratio = (x: number, of: number) => (x / of).toFixed(3);
      /** The median of a kind of full run against its round's floor, then each round. */
      const fullRuns = (label: string, runs: FullRun[]) => [
        `  ${label}: ${
          ratio(median(runs.map((r, i) => r.ms / floors[i])), 1)
        }× floor (median of rounds)`,
        ...runs.map((r, i) =>
          `    round ${i + 1}: ${ms(r.ms)} = ${ratio(r.ms, floors[i])}× its floor; ${
            ends(r.batches)
          }`
        ),
      ];
      console.log(
        [
          `server, ${RUNS} rounds, the data loaded afresh for each (median; range in brackets); load average now: ${await loadAverage()}`,
          `  floor, one statement, all ${windows.length} windows of every learner into a table: ${
            ms(median(floors))
          } [${floors.map((x) => x.toFixed(0)).join(", ")}]`,
          ...fullRuns("first full recompute after the load (writes everything)", firsts),
          ...fullRuns("second full recompute (finds everything unchanged)", seconds),
          `  nothing new (incremental): ${ms(median(nothing))} = ${
            ratio(median(nothing), fullMs)
          }× second full [${nothing.map((x, i) => ratio(x, full[i])).join(", ")}]`,
          `  1% of learners with a new answer: ${ms(median(onePercent))} = ${
            ratio(median(onePercent), fullMs)
          }× second full [${onePercent.map((x, i) => ratio(x, full[i])).join(", ")}]`,
        ].join("\n"),
      );

      // Where the time goes: the main statements of one batch, with their plans.
      const plans: string[] = [];
      const explain = postgres(db.url, {
        max: 1,
        onnotice: (n) => plans.push(String(n.message)),
        types: {
          numeric: {
            to: 1700,
            from: [1700],
            serialize: (v: number) => String(v),
            parse: (v: string) => Number(v),
          },
        },
      });
      try {
        await explain`load 'auto_explain'`;
        await explain`set auto_explain.log_min_duration = 0`;
        await explain`set auto_explain.log_analyze = on`;
        await explain`set auto_explain.log_buffers = on`;
        await explain`set auto_explain.log_nested_statements = on`;
        await explain`set client_min_messages = log`;
        const batch = (await sql<{ user_id: string }[]>`
          select user_id from analytics.learners order by user_id limit 1000`).map((r) =>
          r.user_id
        );
        plans.length = 0;
        await explain.begin((tx) =>
          computeReadiness(tx as never, batch, { details: false, config: readinessConfig })
        );
        console.log("\nEXPLAIN ANALYZE, one batch of 1,000 learners (full recompute):");
        for (const plan of plans) {
          const lines = plan.split("\n");
          const text = lines.findIndex((l) => /Query Text/.test(l));
          const planStart = lines.findIndex((l) =>
            /^\s*(Insert|Aggregate|Hash|Nested|Merge|Sort|Subquery|CTE|Result|Delete|WindowAgg|GroupAggregate|HashAggregate|Seq|Index|Bitmap|Unique|Append|Limit)/
              .test(l) && !/Query Text/.test(l)
          );
          const duration = /duration: ([\d.]+) ms/.exec(plan)?.[1];
          if (duration && Number(duration) < 5) continue;
          console.log(
            `--- ${duration} ms: ${
              (lines[text] ?? "").replace(/.*Query Text:\s*/, "").trim().slice(0, 100)
            }`,
          );
          console.log(
            lines.slice(planStart >= 0 ? planStart : 0)
              .map((l) => (l.length > 160 ? `${l.slice(0, 157)}...` : l)).join("\n"),
          );
        }
      } finally {
        await explain.end();
      }
    } finally {
      await db.close();
    }
  },
};
