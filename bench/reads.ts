/**
 * Per-learner reads over HTTP: `GET /api/users/:id/readiness` (the kept body; and `?limit=5`,
 * built from the snapshots), `/skills/trends` and `/coaching` for random learners among 5,000
 * (12 sessions each, a snapshot per session; `PULSE_BENCH_LEARNERS` for another number), with wrk
 * at 32 connections against the app served in its own process (`reads_server.ts`, logging on) on
 * the server database (PULSE_TEST_DATABASE_URL). Baseline: `GET /healthz` (no token) in the same
 * run: rounds of every endpoint (three; `--rounds N`), each endpoint measured between two healthz
 * runs and its ratio taken against their mean. One row more, the ceiling: the readiness route
 * answering a kept body from memory, all a kept read costs but the database.
 *
 * The load average (1, 5, 15 minutes) is printed before the warm-up, after every round and at
 * the end: the machine is shared, and a ratio is only as good as the quiet around it.
 *
 * Options: `--pool N` database connections of the server under test (default 4: the machine's
 * cores are shared by Postgres, the app and wrk), `--seconds N` per measurement (default 5),
 * `--keep NAME` (a seeded database kept on the test server between runs).
 */
import { issueToken } from "../lib/auth.ts";
import type { Sql } from "../lib/db/client.ts";
import { fillLearnerReads, rebuildReadiness } from "../lib/readiness/mod.ts";
import {
  type Bench,
  freePort,
  keptDatabase,
  median,
  serverDatabase,
  serverOrSkip,
  waitUntilUp,
  wrk,
  type WrkResult,
} from "./helpers.ts";
import { loadStaticConfig } from "../lib/static_config.ts";

const settings = loadStaticConfig();
const { catalog, readiness: readinessConfig } = settings;

/** `PULSE_BENCH_LEARNERS` sets another number of learners (e.g. 100,000). */
const LEARNERS = Number(Deno.env.get("PULSE_BENCH_LEARNERS") ?? 5_000);
const SESSIONS = 12;
const ANSWERS_PER_SESSION = 5;
/** Sessions are spread over this many days before now, so every day window has data. */
const SPAN_DAYS = 84;
const CONNECTIONS = 32;
const THREADS = 2;
const LOAD = { threads: THREADS, connections: CONNECTIONS };
const SECRET = "bench-secret-for-pulse-analytics-reads-000000";

/** The 1, 5 and 15 minute load averages. */
const loadAverage = () => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");

/**
 * A wrk script: random learner per request (`prefix` + id + `path`), optional bearer token, JSON
 * summary at the end.
 */
function wrkScript(
  ids: string[],
  path: string | null,
  token: string | null,
  prefix = "/api/users/",
): string {
  return `
local ids = {${ids.map((id) => `"${id}"`).join(",")}}
local path = ${path === null ? "nil" : JSON.stringify(path)}
local headers = {}
${token ? `headers["authorization"] = "Bearer ${token}"` : ""}
local counter = 0
function setup(thread) counter = counter + 1; thread:set("seed", counter) end
function init(args) math.randomseed(seed * 7919) end
function request()
  if path == nil then return wrk.format("GET", "/healthz", headers) end
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "${prefix}" .. id .. path, headers)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests":%d,"us":%d,"errors":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;
}

/** Counts the lines of a stream while draining it. */
function countLines(stream: ReadableStream<Uint8Array>): { lines: number } {
  const out = { lines: 0 };
  (async () => {
    for await (const chunk of stream) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) out.lines++;
    }
  })();
  return out;
}

/** 5,000 learners with sessions, answers, a snapshot per session and the aggregates. */
async function seed(sql: Sql) {
  const t0 = performance.now();
  // Deterministic ids and times from the series numbers: u learner, s session, k answer.
  // Scores drift upwards over a learner's sessions around a per-learner level.
  // (md5 made into a version 4 UUID: the API validates the version and variant nibbles.)
  const uuid = (text: ReturnType<typeof sql>) =>
    sql`overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`;
  const learner = () => uuid(sql`'reads-learner-' || u`);
  const session = () => uuid(sql`'reads-session-' || u || '-' || s`);
  const at = () =>
    sql`now() - make_interval(hours => 24 * ${SPAN_DAYS} - s * ${(24 * SPAN_DAYS) / SESSIONS})`;
  await sql.begin(async (tx) => {
    await tx`
      insert into analytics.learners (user_id, level, cohort)
      select ${learner()}, (${catalog.levels}::text[])[1 + u % ${catalog.levels.length}],
             'cohort-' || (u % 20)
      from generate_series(1, ${LEARNERS}) u`;
    await tx`
      insert into analytics.sessions (session_id, user_id, scenario_id, started_at, completed_at)
      select ${session()}, ${learner()}, 'bench', ${at()}, ${at()} + interval '30 minutes'
      from generate_series(1, ${LEARNERS}) u, generate_series(0, ${SESSIONS - 1}) s`;
    await tx`
      insert into analytics.session_owners (session_id, user_id)
      select ${session()}, ${learner()}
      from generate_series(1, ${LEARNERS}) u, generate_series(0, ${SESSIONS - 1}) s`;
    await tx`
      insert into analytics.session_events
        (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score,
         raw_metrics)
      select ${learner()}, ${session()}, 'a' || k, ${at()} + make_interval(mins => k),
             'bench', (${catalog.pulseSteps}::text[])[1 + k % ${catalog.pulseSteps.length}],
             (${catalog.skillTags}::text[])[1 + (u + s + k) % ${catalog.skillTags.length}],
             least(100, 30 + (u % 40) + s * 2 + (u * 7 + s * 13 + k * 29) % 21),
             jsonb_build_object('filler_words', (u + k) % 9, 'talk_seconds', 30 + k * 7)
      from generate_series(1, ${LEARNERS}) u, generate_series(0, ${SESSIONS - 1}) s,
           generate_series(0, ${ANSWERS_PER_SESSION - 1}) k`;
  });
  const t1 = performance.now();
  // One snapshot per session (as the completions would have written them) and the aggregates.
  const rebuilt = await rebuildReadiness(sql, { trigger: "bench", config: readinessConfig });
  await sql`analyze`;
  const [{ events, snapshots }] = await sql<{ events: number; snapshots: number }[]>`
    select (select count(*) from analytics.session_events)::int as events,
           (select count(*) from analytics.user_readiness)::int as snapshots`;
  console.log(
    `data: ${LEARNERS.toLocaleString("en")} learners, ${events.toLocaleString("en")} answers, ${
      snapshots.toLocaleString("en")
    } snapshots, in ${((performance.now() - t0) / 1000).toFixed(1)} s (rebuild ${
      ((performance.now() - t1) / 1000).toFixed(1)
    } s, ${rebuilt.batches} batches)`,
  );
}

export const readsBench: Bench = {
  name: "reads",
  summary: "per-learner API reads under wrk load (32 connections) vs GET /healthz",
  async run(options) {
    if (!serverOrSkip()) return;
    const pool = options.pool ?? 4;
    const seconds = options.seconds ?? 5;
    const roundCount = options.rounds ?? 3;
    const keep = options.keep;
    const db = keep ? await keptDatabase(keep) : await serverDatabase();
    const { sql } = db;
    let server: Deno.ChildProcess | null = null;
    try {
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from analytics.learners`;
      if (n === 0) await seed(sql);
      else console.log(`data: kept database ${keep} (${n.toLocaleString("en")} learners)`);
      // The kept trends and coaching bodies of every learner (reads build the missing ones too,
      // one each; filled here so that every round measures the steady state).
      const f0 = performance.now();
      const filled = await fillLearnerReads(sql, settings, 200, 3);
      console.log(
        `kept trends and coaching bodies: ${filled.toLocaleString("en")} learners filled in ${
          ((performance.now() - f0) / 1000).toFixed(1)
        } s`,
      );
      // Every learner's kept bodies are there before the first measured read (a read that finds
      // none builds its body and keeps it: not the steady state this measures).
      const [kept] = await sql<{ learners: number; reads: number; readiness: number }[]>`
        select (select count(*) from analytics.learners)::int as learners,
               (select count(*) from analytics.learner_reads)::int as reads,
               (select count(*) from analytics.readiness_reads)::int as readiness`;
      console.log(
        `kept bodies: ${kept.reads.toLocaleString("en")} trends and coaching, ${
          kept.readiness.toLocaleString("en")
        } readiness (for ${kept.learners.toLocaleString("en")} learners)`,
      );
      const ids = (await sql<{ user_id: string }[]>`
        select user_id from analytics.learners order by user_id`).map((r) => r.user_id);

      const port = freePort();
      const url = `http://127.0.0.1:${port}`;
      server = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "-c",
          "deno.test.json",
          new URL("./reads_server.ts", import.meta.url).pathname,
        ],
        env: {
          BENCH_DATABASE_URL: db.url,
          BENCH_SECRET: SECRET,
          BENCH_POOL: String(pool),
          BENCH_PORT: String(port),
        },
        // The access log is on: its lines go through a pipe this process drains and counts, as
        // a log collector would read them.
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const logged = countLines(server.stdout);
      await waitUntilUp(url);
      const token = await issueToken(SECRET, "service", "bench", 3600);
      for (const path of ["/readiness", "/skills/trends", "/coaching"]) {
        const res = await fetch(`${url}/api/users/${ids[0]}${path}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
      }

      const paths: [string, string | null, string | null, string?][] = [
        ["healthz", null, null],
        ["healthz + token", null, token],
        ["readiness", "/readiness", token],
        // Any other history length is built from the snapshots (the default one is kept).
        ["readiness?limit=5", "/readiness?limit=5", token],
        ["skills/trends", "/skills/trends", token],
        ["coaching", "/coaching", token],
        // The ceiling: the readiness route answering a kept body from memory (reads_server.ts),
        // all a kept read costs but its database lookup.
        ["readiness, memory", "/readiness", token, "/bench/memory/"],
      ];
      console.log(`load average before the warm-up: ${loadAverage()}`);
      // Warm-up: JIT, connections, caches.
      for (const [, path, tok, prefix] of paths) {
        await wrk(url, wrkScript(ids, path, tok, prefix), 2, LOAD);
      }
      // Rounds of every endpoint, each measured between two healthz runs and compared with their
      // mean: the machine is shared, its speed moves within seconds (healthz alone moved by a
      // third between neighbouring runs), and a floor measured right beside its endpoint moves
      // with it.
      const floorPath = paths[0];
      const measured = paths.slice(1);
      const measure = ([, path, tok, prefix]: (typeof paths)[number]) =>
        wrk(url, wrkScript(ids, path, tok, prefix), seconds, LOAD);
      const rounds: Map<string, { run: WrkResult; ratio: number }>[] = [];
      /** Every healthz run between the endpoints. */
      const floors: WrkResult[] = [];
      for (let round = 0; round < roundCount; round++) {
        const results = new Map<string, { run: WrkResult; ratio: number }>();
        let before = await measure(floorPath);
        floors.push(before);
        for (const endpoint of measured) {
          const run = await measure(endpoint);
          const after = await measure(floorPath);
          floors.push(after);
          results.set(endpoint[0], { run, ratio: run.rps / ((before.rps + after.rps) / 2) });
          before = after;
        }
        rounds.push(results);
        console.log(
          `round ${round + 1}: ratios ${
            measured.map(([label]) => `${label} ${results.get(label)!.ratio.toFixed(2)}×`).join(
              ", ",
            )
          }; load average ${loadAverage()}`,
        );
      }
      console.log(
        `server: wrk -t${THREADS} -c${CONNECTIONS}, ${roundCount} rounds × ${seconds} s per endpoint, ` +
          `each between two ${seconds} s healthz runs, app pool ${pool} connections ` +
          `(median of rounds; ratio range in brackets)`,
      );
      console.log(
        `  ${"healthz".padEnd(18)} ${
          median(floors.map((r) => r.rps)).toFixed(0).padStart(6)
        } req/s  [${Math.min(...floors.map((r) => r.rps)).toFixed(0)}–${
          Math.max(...floors.map((r) => r.rps)).toFixed(0)
        }]  p50 ${median(floors.map((r) => r.p50_ms)).toFixed(2)} ms  p99 ${
          median(floors.map((r) => r.p99_ms)).toFixed(2)
        } ms  errors ${floors.reduce((n, r) => n + r.errors, 0)}`,
      );
      let errors = floors.reduce((n, r) => n + r.errors, 0);
      const ratiosOf = (label: string) => rounds.map((r) => r.get(label)!.ratio);
      for (const [label] of measured) {
        const runs = rounds.map((r) => r.get(label)!.run);
        const ratios = ratiosOf(label);
        const errs = runs.reduce((n, r) => n + r.errors, 0);
        errors += errs;
        console.log(
          `  ${label.padEnd(18)} ${median(runs.map((r) => r.rps)).toFixed(0).padStart(6)} req/s  ` +
            `ratio ${median(ratios).toFixed(2)}× [${Math.min(...ratios).toFixed(2)}–${
              Math.max(...ratios).toFixed(2)
            }]  p50 ${median(runs.map((r) => r.p50_ms)).toFixed(2)} ms  p99 ${
              median(runs.map((r) => r.p99_ms)).toFixed(2)
            } ms  errors ${errs}`,
        );
      }
      for (
        const [label, target] of [["readiness", 0.6], ["skills/trends", 0.35], [
          "coaching",
          0.35,
        ]] as const
      ) {
        const ratios = ratiosOf(label);
        console.log(
          `  ${label} / healthz: ${median(ratios).toFixed(2)}× (rounds ${
            ratios.map((x) => x.toFixed(2)).join(", ")
          }; target ≥ ${target}×)`,
        );
      }
      const ceiling = ratiosOf("readiness, memory");
      console.log(
        `  readiness from memory / healthz: ${median(ceiling).toFixed(2)}× (rounds ${
          ceiling.map((x) => x.toFixed(2)).join(", ")
        }; the ceiling of a kept read through the app, without its database lookup)`,
      );
      const requests = [...floors, ...rounds.flatMap((r) => [...r.values()].map((x) => x.run))]
        .reduce((n, r) => n + r.requests, 0);
      console.log(
        `  access log: ${logged.lines.toLocaleString("en")} lines written so far for ${
          requests.toLocaleString("en")
        } measured requests (and the warm-up's); errors ${errors}; load average ${loadAverage()}`,
      );
      if (errors > 0) throw new Error(`${errors} failed requests`);
    } finally {
      if (server) {
        server.kill("SIGTERM");
        await server.status;
      }
      await db.close();
    }
  },
};
