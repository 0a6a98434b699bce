/**
 * Cohort figures at 100,000 learners × 20 sessions (3 answers and a snapshot each, over the 84
 * days ending now) on the server (PULSE_TEST_DATABASE_URL). Floors, measured in the same run: scans
 * of the learners table (a count in the database, every row read in the database, and every learner
 * read into the app). Reports time-to-readiness (thresholds on whole points and between them; both
 * read readiness_progress) and each cohort endpoint's function (overview, skills, bands by week,
 * the first attention page; no filter and a level filter) as ratios to the learners read into the
 * app (median over interleaved rounds, target ≤ 3×), then a directory page (50 rows, a level
 * filter, sorted by readiness) under wrk at 32 connections against `GET /healthz` (target ≥ 0.25×).
 * `PULSE_BENCH_LEARNERS` scales it down; `PULSE_BENCH_PARTS` (comma-separated: `ttr`,
 * `endpoints`, `directory`) runs only those parts.
 */
import { issueToken } from "../lib/auth.ts";
import { bandMovement, cohortAttention, cohortOverview, cohortSkills } from "../lib/cohorts/mod.ts";
import { resolveFilters } from "../lib/cohorts/filters.ts";
import type { Sql } from "../lib/db/client.ts";
import { refreshLatest, refreshProgress, timeToReadiness } from "../lib/readiness/mod.ts";
import { loadStaticConfig } from "../lib/static_config.ts";
import { fillActivity, lowSkillRule, refreshActivity } from "../lib/sessions/activity.ts";
import {
  type Bench,
  freePort,
  keptDatabase,
  median,
  serverDatabase,
  serverOrSkip,
  timed,
  timeRuns,
  waitUntilUp,
  wrk,
  type WrkResult,
} from "./helpers.ts";

const settings = loadStaticConfig();
const { catalog } = settings;

const LEARNERS = Number(Deno.env.get("PULSE_BENCH_LEARNERS") ?? 100_000);
const SESSIONS = 20;
const ANSWERS_PER_SESSION = 3;
/** Sessions are spread over this many days before now, so the default 28 days hold a third. */
const SPAN_DAYS = 84;
const RUNS = 5;
/** Interleaved rounds of the floor and every cohort endpoint. */
const ROUNDS = 7;
const CONNECTIONS = 32;
const LOAD = { threads: 2, connections: CONNECTIONS };
const SECRET = "bench-secret-for-pulse-analytics-cohorts-00000";

/** The machine's load average (1, 5, 15 minutes), for the report: the machine may be shared. */
const loadAverage = async () =>
  (await Deno.readTextFile("/proc/loadavg").catch(() => "unknown")).split(" ").slice(0, 3).join(
    " ",
  );

/** Each of RUNS runs' milliseconds. */
const time = (fn: () => Promise<unknown>) => timeRuns(RUNS, fn);

/** Learners with a level, sessions with answers, a snapshot per session, and the aggregates. */
async function seed(sql: Sql) {
  const t0 = performance.now();
  // md5 made into a version 4 UUID: the API validates the version and variant nibbles.
  const uuid = (text: ReturnType<typeof sql>) =>
    sql`overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`;
  const learner = () => uuid(sql`'cohort-' || u`);
  const session = () => uuid(sql`'cohort-session-' || u || '-' || s`);
  // Session s of learner u: spread over SPAN_DAYS ending now, shifted per learner by hours.
  const at = () =>
    sql`now() - make_interval(mins => ${60 * 24 * SPAN_DAYS} - s * ${
      (60 * 24 * SPAN_DAYS) / SESSIONS
    }
                                      - (u % 48) * 60)`;
  await sql`
    insert into analytics.learners (user_id, level, cohort)
    select ${learner()}, (${catalog.levels}::text[])[1 + u % ${catalog.levels.length}],
           'cohort-' || (u % 20)
    from generate_series(1, ${LEARNERS}) u`;
  await sql`
    insert into analytics.sessions (session_id, user_id, scenario_id, started_at, completed_at)
    select ${session()}, ${learner()}, 'bench', ${at()}, ${at()} + interval '30 minutes'
    from generate_series(1, ${LEARNERS}) u, generate_series(0, ${SESSIONS - 1}) s`;
  await sql`
    insert into analytics.session_events
      (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score)
    select ${learner()}, ${session()}, 'a' || k, ${at()} + make_interval(mins => k), 'bench',
           (${catalog.pulseSteps}::text[])[1 + k % ${catalog.pulseSteps.length}],
           (${catalog.skillTags}::text[])[1 + (u + s + k) % ${catalog.skillTags.length}],
           least(100, 30 + (u % 40) + s * (u % 3) + (u * 7 + s * 13 + k * 29) % 21)
    from generate_series(1, ${LEARNERS}) u, generate_series(0, ${SESSIONS - 1}) s,
         generate_series(0, ${ANSWERS_PER_SESSION - 1}) k`;
  // Readiness that climbs from 20–50 by 0–4 points a session (some learners decline late), a
  // snapshot at the end of each session; a few without sufficient evidence.
  await sql`
    insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
    select ${learner()}, ${at()} + interval '30 minutes', x.overall,
           case when s < 2 then 'Insufficient evidence'
                when x.overall >= 85 then 'Strong' when x.overall >= 70 then 'Nearly Ready'
                when x.overall >= 50 then 'Developing' else 'Emerging' end,
           jsonb_build_object('sufficient_evidence', s >= 2)
    from generate_series(1, ${LEARNERS}) u, generate_series(0, ${SESSIONS - 1}) s,
         lateral (select greatest(0, least(100, 20 + u % 31 + s * (u % 5) + (s * 7 + u) % 3
                                 - case when u % 11 = 0 and s > 16 then 10 * (s - 16) else 0 end)
                 )::numeric(5, 2) as overall) x`;
  const ids = (await sql<{ user_id: string }[]>`
    select user_id from analytics.learners order by user_id`).map((r) => r.user_id);
  for (let i = 0; i < ids.length; i += 10_000) {
    await sql.begin(async (tx) => {
      await refreshProgress(tx, ids.slice(i, i + 10_000));
      await refreshLatest(tx, ids.slice(i, i + 10_000));
      await refreshActivity(tx, ids.slice(i, i + 10_000), lowSkillRule(settings));
    });
  }
  await sql`vacuum analyze`;
  console.log(
    `data: ${
      LEARNERS.toLocaleString("en")
    } learners × ${SESSIONS} sessions × ${ANSWERS_PER_SESSION} answers, a snapshot per session, with the kept progress, latest-snapshot and activity rows, in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
}

/** Time-to-readiness against the three floors (RUNS runs each, one after another). */
async function timeToReadinessReport(sql: Sql) {
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
    }× the learners read [${xs.map((x) => (x / floors.count).toFixed(1)).join(", ")}× the count]`;
  console.log(
    [
      `server, median of ${RUNS} (ratios to the learners-table scans; each run against the count in brackets):`,
      `  floor, count of the learners table in the database: ${floors.count.toFixed(1)} ms`,
      `  floor, every learners row read in the database (count(l.*)): ${floors.rows.toFixed(1)} ms`,
      `  floor, every learner (id, level) read into the app: ${floors.read.toFixed(1)} ms`,
      line("time-to-readiness 40→70, every level (readiness_progress)", whole),
      line("time-to-readiness 40→70, senior (readiness_progress)", senior),
      line("time-to-readiness 40→70.5 (between whole points)", between),
      `  answer: ${r.learners.reached_from} reached 40, ${r.learners.reached_to} reached 70, KM median ${r.kaplan_meier.median_days} days, ${r.kaplan_meier.curve.length} curve steps`,
    ].join("\n"),
  );
}

/**
 * Each cohort endpoint's function, no filter and a level filter (the default period: the 28 days
 * ending now), against the floor of its cohort (every cohort learner's user_id and level read into
 * the app), interleaved: each round times the floor and then every endpoint once, each ratio is
 * against its round's floor, and the report gives the median ratio and its range.
 */
async function endpointsReport(sql: Sql) {
  const level = "senior";
  const floorAll = () => sql`select user_id, level from analytics.learners`;
  const floorLevel = () =>
    sql`select user_id, level from analytics.learners where level = ${level}`;
  const cases: [string, () => Promise<unknown>, () => Promise<unknown>][] = [];
  for (
    const [label, q, floor] of [["all", {}, floorAll], [level, { level }, floorLevel]] as const
  ) {
    const f = () => resolveFilters(q);
    cases.push(
      [`overview (${label})`, () => cohortOverview(sql, f(), settings.readiness), floor],
      [`skills (${label})`, () => cohortSkills(sql, f(), settings), floor],
      [`bands week (${label})`, () => bandMovement(sql, f(), "week", settings.readiness), floor],
      [
        `attention page (${label})`,
        () => cohortAttention(sql, f(), settings, { limit: 50 }),
        floor,
      ],
    );
  }
  // Warm-up: every statement once.
  for (const [, fn, floor] of cases) {
    await floor();
    await fn();
  }
  const ms = new Map<string, number[]>(cases.map(([l]) => [l, []]));
  const ratios = new Map<string, number[]>(cases.map(([l]) => [l, []]));
  const floors = { all: [] as number[], level: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const [all] = await timed(floorAll);
    const [lv] = await timed(floorLevel);
    floors.all.push(all);
    floors.level.push(lv);
    for (const [label, fn, floor] of cases) {
      const [t] = await timed(fn);
      ms.get(label)!.push(t);
      ratios.get(label)!.push(t / (floor === floorAll ? all : lv));
    }
  }
  const lines = [
    `server, cohort endpoints (default period), ${ROUNDS} interleaved rounds (median; ratio range in brackets; target ≤ 3×):`,
    `  floor, every learner (id, level) read into the app: ${median(floors.all).toFixed(1)} ms`,
    `  floor, every ${level} learner (id, level) read into the app: ${
      median(floors.level).toFixed(1)
    } ms`,
  ];
  for (const [label] of cases) {
    const r = ratios.get(label)!;
    const verdict = median(r) <= 3 ? "ok" : "MISSES";
    lines.push(
      `  ${label.padEnd(26)} ${median(ms.get(label)!).toFixed(1).padStart(8)} ms  ${
        median(r).toFixed(2)
      }× [${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}]  ${verdict}`,
    );
  }
  console.log(lines.join("\n"));
}

/** A wrk script: one path with a bearer token (none: GET /healthz), JSON summary at the end. */
function wrkScript(path: string | null, token: string | null): string {
  return `
local path = ${path === null ? '"/healthz"' : JSON.stringify(path)}
local headers = {}
${token ? `headers["authorization"] = "Bearer ${token}"` : ""}
function request() return wrk.format("GET", path, headers) end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests":%d,"us":%d,"errors":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;
}

/** The directory page under load against GET /healthz (the app in its own process, reads_server). */
async function directoryReport(url: string, seconds: number, pool: number) {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "-c",
      "deno.test.json",
      new URL("./reads_server.ts", import.meta.url).pathname,
    ],
    env: {
      BENCH_DATABASE_URL: url,
      BENCH_SECRET: SECRET,
      BENCH_POOL: String(pool),
      BENCH_PORT: String(port),
    },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  try {
    await waitUntilUp(base);
    const token = await issueToken(SECRET, "coach", "00000000-0000-4000-8000-00000000c0ac", 3600);
    const path = "/api/learners?level=senior&sort=readiness&limit=50";
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json();
    if (res.status !== 200 || body.learners.length !== 50) {
      throw new Error(`directory: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    }
    const paths: [string, string | null, string | null][] = [
      ["healthz", null, null],
      ["directory page", path, token],
    ];
    for (const [, p, tok] of paths) await wrk(base, wrkScript(p, tok), 2, LOAD);
    const rounds: Map<string, WrkResult>[] = [];
    for (let round = 0; round < 3; round++) {
      const results = new Map<string, WrkResult>();
      for (const [label, p, tok] of paths) {
        results.set(label, await wrk(base, wrkScript(p, tok), seconds, LOAD));
      }
      rounds.push(results);
    }
    const ratios = rounds.map((r) => r.get("directory page")!.rps / r.get("healthz")!.rps);
    const errors = rounds.reduce(
      (n, r) => n + r.get("healthz")!.errors + r.get("directory page")!.errors,
      0,
    );
    const line = (label: string) => {
      const runs = rounds.map((r) => r.get(label)!);
      return `  ${label.padEnd(16)} ${
        median(runs.map((r) => r.rps)).toFixed(0).padStart(6)
      } req/s  p50 ${median(runs.map((r) => r.p50_ms)).toFixed(2)} ms  p99 ${
        median(runs.map((r) => r.p99_ms)).toFixed(2)
      } ms`;
    };
    console.log(
      [
        `server, wrk -t2 -c${CONNECTIONS}, 3 rounds × ${seconds} s, app pool ${pool} (${path}):`,
        line("healthz"),
        line("directory page"),
        `  directory / healthz: ${median(ratios).toFixed(2)}× (rounds ${
          ratios.map((x) => x.toFixed(2)).join(", ")
        }; target ≥ 0.25×), errors ${errors}`,
      ].join("\n"),
    );
    if (errors > 0) throw new Error(`${errors} failed requests`);
  } finally {
    server.kill("SIGTERM");
    await server.status;
  }
}

export const cohortsBench: Bench = {
  name: "cohorts",
  summary:
    "cohort figures and the directory at 100,000 learners × 20 sessions vs the learners read",
  async run(options) {
    if (!serverOrSkip()) return;
    const db = options.keep ? await keptDatabase(options.keep) : await serverDatabase();
    const { sql } = db;
    try {
      console.log(`load average before the data: ${await loadAverage()}`);
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from analytics.learners`;
      if (n === 0) await seed(sql);
      else console.log(`data: kept database ${options.keep} (${n.toLocaleString("en")} learners)`);
      // Activity rows of a database kept from before they were judged (none after a seed).
      const judged = await fillActivity(sql, lowSkillRule(settings), 10_000);
      if (judged > 0) {
        console.log(`kept activity judged for ${judged.toLocaleString("en")} learners`);
      }
      console.log(`load average before the measurements: ${await loadAverage()}`);
      const parts = (Deno.env.get("PULSE_BENCH_PARTS") ?? "ttr,endpoints,directory").split(",");
      if (parts.includes("ttr")) await timeToReadinessReport(sql);
      if (parts.includes("endpoints")) await endpointsReport(sql);
      if (parts.includes("directory")) {
        await directoryReport(db.url, options.seconds ?? 5, options.pool ?? 4);
      }
      console.log(`load average after: ${await loadAverage()}`);
      if (!parts.includes("ttr")) return;
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
