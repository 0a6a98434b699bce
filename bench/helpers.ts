/**
 * What every benchmark shares: the `Bench` shape, the median and timing helpers, the databases a
 * bench runs on, and the HTTP load generator (wrk) with the server-under-test plumbing.
 */
import { createClient } from "../lib/db/client.ts";
import { migrateUp } from "../lib/db/migrate.ts";
import { createTestDatabase, type TestDatabase, testServerUrl } from "../tests/db.ts";

export { type TestDatabase, truncateAll } from "../tests/db.ts";

/** Options from the command line (`deno task bench --help` lists them). */
export interface BenchOptions {
  /** Database connections of a server under test. */
  pool?: number;
  /** Seconds per load measurement. */
  seconds?: number;
  /** Name of a database on the test server kept between runs. */
  keep?: string;
  /** Interleaved rounds of a bench that alternates with its floor (embedded, reads). */
  rounds?: number;
}

/** One benchmark: its name on the command line, one line for `--help`, and the run. */
export interface Bench {
  name: string;
  summary: string;
  run(options: BenchOptions): Promise<void>;
}

/** Median of `xs` (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds, rounded, for a report line. */
export const ms = (x: number) => `${x.toFixed(0)} ms`;

/** A ratio for a report line: `1.23×`. */
export const times = (x: number) => `${x.toFixed(2)}×`;

/** Runs `fn` once; returns its duration in milliseconds and its value. */
export async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

/** Runs `fn` `runs` times, one after another; returns each run's milliseconds. */
export async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push((await timed(fn))[0]);
  return out;
}

/**
 * The test server's URL for a server-only bench, or null after saying the bench is skipped (a
 * server-only bench has nothing to measure on embedded PGlite at its scale).
 */
export function serverOrSkip(): string | null {
  const url = testServerUrl();
  if (!url) console.log("server: skipped (set PULSE_TEST_DATABASE_URL)");
  return url;
}

/** A fresh migrated database on the test server (PULSE_TEST_DATABASE_URL). */
export function serverDatabase(): Promise<TestDatabase> {
  return createTestDatabase();
}

/**
 * A database of that name on the test server, created, migrated and seeded on first use and left in
 * place (for repeated runs while working on what a bench measures): `--keep NAME`.
 */
export async function keptDatabase(name: string) {
  const admin = createClient(testServerUrl()!, { max: 1 });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!exists) await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(testServerUrl()!);
  url.pathname = `/${name}`;
  if (!url.searchParams.has("sslmode")) url.searchParams.set("sslmode", "disable");
  await migrateUp(url.toString(), { quiet: true });
  const sql = createClient(url.toString(), { max: 4 });
  return { sql, url: url.toString(), close: () => sql.end() };
}

/** Runs `fn` on a fresh migrated server database (when the server is set), then on embedded PGlite. */
export async function onEachDatabase(fn: (db: TestDatabase, label: string) => Promise<void>) {
  const server = serverOrSkip();
  const targets = [...(server ? [{ label: "server", serverUrl: server }] : []), {
    label: "embedded PGlite",
    serverUrl: null,
  }];
  for (const { label, serverUrl } of targets) {
    const db = await createTestDatabase({ serverUrl });
    try {
      await fn(db, label);
    } finally {
      await db.close();
    }
  }
}

/** A free TCP port on the loopback interface, for a server under test. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Waits (up to a minute) until `url`'s `/healthz` answers 200. */
export async function waitUntilUp(url: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the server under test did not start");
}

/** What one wrk measurement reports. */
export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
}

/** wrk's shape of one load: threads and open connections. */
export interface WrkLoad {
  threads: number;
  connections: number;
}

/**
 * Runs wrk with the Lua `script` against `url` for `seconds`. The script must print one line
 * `RESULT {"requests","us","errors","p50","p99"}` from its `done` hook.
 */
export async function wrk(
  url: string,
  script: string,
  seconds: number,
  load: WrkLoad,
): Promise<WrkResult> {
  const file = await Deno.makeTempFile({ suffix: ".lua" });
  try {
    await Deno.writeTextFile(file, script);
    const out = await new Deno.Command("wrk", {
      args: [
        `-t${load.threads}`,
        `-c${load.connections}`,
        `-d${seconds}s`,
        "--timeout",
        "10s",
        "-s",
        file,
        url,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    const line = text.split("\n").find((l) => l.startsWith("RESULT "));
    if (!out.success || !line) {
      throw new Error(`wrk failed: ${text}${new TextDecoder().decode(out.stderr)}`);
    }
    const r = JSON.parse(line.slice("RESULT ".length));
    const secs = r.us / 1e6;
    return {
      requests: r.requests,
      seconds: secs,
      rps: r.requests / secs,
      errors: r.errors,
      p50_ms: r.p50 / 1000,
      p99_ms: r.p99 / 1000,
    };
  } finally {
    await Deno.remove(file);
  }
}
