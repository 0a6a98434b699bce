/**
 * Embedded first start: `deno task start` (the deno command of its task) on a fresh machine — no data
 * directory yet (so the demo data is seeded) and no islands bundle (a fresh checkout has none) —
 * until `GET /readyz` first answers 200. Floor in the same run: PGlite alone
 * (`embedded_floor.ts`: one Deno process creates a fresh PGlite data directory with the server's
 * options and answers `select 1`). Rounds interleave the two (alternating which goes first); the
 * report gives medians and the ratio of time to ready, resident memory at ready (VmRSS of the
 * process and its live children, and the process's peak VmHWM, from /proc), and the CPU time
 * spent until ready (process and children); then when the demo cohort (written after the server
 * listens) is in, and the slowest `/readyz` while it was written. The start-up log of the last
 * round is printed with the time each line arrived and the server's resident memory then: where
 * time and memory go.
 *
 * Options: `--rounds N` (default 3).
 */
import { type Bench, freePort, median, times } from "./helpers.ts";
import { BUILD_DIR } from "../lib/ui/build.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const DEFAULT_ROUNDS = 3;
const TIMEOUT_MS = 600_000;
/** How long after ready the demo cohort may take before the round reports it as never in. */
const COHORT_TIMEOUT_MS = 120_000;
/** Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on Linux). */
const TICKS = 100;

interface Memory {
  /** VmRSS of the process and its live descendants, MiB. */
  rss: number;
  /** VmHWM (peak resident) of the process itself, MiB. */
  hwm: number;
  /** CPU seconds of the process, its reaped children and its live descendants. */
  cpu: number;
}

interface Sample extends Memory {
  /** Milliseconds from spawn to ready. */
  ms: number;
}

interface LogLine {
  ms: number;
  rss: number;
  text: string;
}

function status(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const line of Deno.readTextFileSync(`/proc/${pid}/status`).split("\n")) {
      const m = /^(VmRSS|VmHWM):\s+(\d+) kB/.exec(line);
      if (m) out[m[1]] = Number(m[2]) / 1024;
    }
  } catch { /* exited */ }
  return out;
}

/** Fields of /proc/PID/stat after the command name: [state, ppid, ...]. */
function stat(pid: number): string[] | null {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** Live descendants of `pid`. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const fields = stat(Number(entry.name));
    if (fields) parent.set(Number(entry.name), Number(fields[1]));
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

function memory(pid: number): Memory {
  const own = status(pid);
  const children = descendants(pid);
  const fields = stat(pid) ?? [];
  // utime, stime, cutime, cstime are fields 14–17 of stat; here offset by the two skipped.
  const ticks = (f: string[], from: number, to: number) =>
    f.slice(from, to + 1).reduce((n, x) => n + Number(x), 0);
  let cpu = ticks(fields, 11, 14);
  let rss = own.VmRSS ?? 0;
  for (const child of children) {
    rss += status(child).VmRSS ?? 0;
    cpu += ticks(stat(child) ?? [], 11, 12);
  }
  return { rss, hwm: own.VmHWM ?? 0, cpu: cpu / TICKS };
}

/** Collects a child's output lines, noting when each arrived and the process's memory then. */
function pump(
  child: Deno.ChildProcess,
  t0: number,
  lines: LogLine[],
  onLine?: (s: string) => void,
) {
  const decoder = new TextDecoder();
  const read = async (stream: ReadableStream<Uint8Array>) => {
    let carry = "";
    for await (const chunk of stream) {
      carry += decoder.decode(chunk, { stream: true });
      let i;
      while ((i = carry.indexOf("\n")) >= 0) {
        const text = carry.slice(0, i);
        carry = carry.slice(i + 1);
        lines.push({ ms: performance.now() - t0, rss: status(child.pid).VmRSS ?? 0, text });
        onLine?.(text);
      }
    }
  };
  return Promise.all([read(child.stdout), read(child.stderr)]);
}

async function stop(child: Deno.ChildProcess, output: Promise<unknown>) {
  try {
    child.kill("SIGTERM");
  } catch { /* already gone */ }
  const killer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 30_000);
  await child.status;
  clearTimeout(killer);
  await output.catch(() => {});
}

/** PGlite alone: time until `ready`, memory then. */
async function floor(): Promise<Sample> {
  const dir = await Deno.makeTempDir({ prefix: "pulse-bench-floor-" });
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "bench/embedded_floor.ts", `${dir}/pgdata`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let ready: (sample: Sample) => void;
  const sampled = new Promise<Sample>((r) => ready = r);
  const lines: LogLine[] = [];
  const output = pump(child, t0, lines, (text) => {
    if (text === "ready") ready({ ms: performance.now() - t0, ...memory(child.pid) });
  });
  try {
    return await Promise.race([
      sampled,
      child.status.then((s) => {
        throw new Error(`floor exited (${s.code}): ${lines.map((l) => l.text).join("\n")}`);
      }),
    ]);
  } finally {
    await stop(child, output);
    await Deno.remove(dir, { recursive: true });
  }
}

/** The arguments `deno task start` runs deno with (deno.json). */
async function startArgs(): Promise<string[]> {
  const { tasks } = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const [deno, ...args] = (tasks.start as string).split(/\s+/);
  if (deno !== "deno") throw new Error(`unexpected start task: ${tasks.start}`);
  return args;
}

/** A fresh `deno task start`: time until /readyz answers 200, memory then, and its log. */
async function start(): Promise<
  Sample & { lines: LogLine[]; cohortMs: number | null; slowestReadyz: number }
> {
  // A fresh checkout has no islands bundle: the start builds it.
  await Deno.mkdir(BUILD_DIR, { recursive: true });
  for await (const entry of Deno.readDir(BUILD_DIR)) {
    if (/^islands-[0-9a-f]+\.js$/.test(entry.name)) await Deno.remove(`${BUILD_DIR}${entry.name}`);
  }
  const dir = await Deno.makeTempDir({ prefix: "pulse-bench-start-" });
  const port = freePort();
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: await startArgs(),
    cwd: ROOT,
    env: {
      PULSE_DATA_DIR: dir,
      PORT: String(port),
      HOST: "127.0.0.1",
      PULSE_ENV: "development",
      PULSE_ANALYTICS_DATABASE_URL: "",
      PULSE_AUTH_SECRET: "",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: LogLine[] = [];
  const output = pump(child, t0, lines);
  let exited = false;
  child.status.then(() => exited = true);
  try {
    while (performance.now() - t0 < TIMEOUT_MS) {
      if (exited) throw new Error(`server exited: ${lines.map((l) => l.text).join("\n")}`);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
      await res?.body?.cancel();
      if (res?.status === 200) {
        const sample = { ms: performance.now() - t0, ...memory(child.pid) };
        const ready = [...lines];
        // The demo cohort is written after the server listens: wait for it, asking /readyz every
        // 100 ms meanwhile (how long a request waits behind it on the one embedded connection).
        let slowest = 0;
        let cohortMs: number | null = null;
        const giveUp = performance.now() + COHORT_TIMEOUT_MS;
        while (performance.now() < giveUp && !exited) {
          const done = lines.find((l) => /Demo cohort ready/.test(l.text));
          if (done) {
            cohortMs = done.ms;
            break;
          }
          const a = performance.now();
          const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
          await r?.body?.cancel();
          slowest = Math.max(slowest, performance.now() - a);
          await new Promise((r) => setTimeout(r, 100));
        }
        return { ...sample, lines: ready, cohortMs, slowestReadyz: slowest };
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("the server was not ready in time");
  } finally {
    await stop(child, output);
    await Deno.remove(dir, { recursive: true });
  }
}

const mib = (x: number) => `${x.toFixed(0)} MiB`;
const secs = (x: number) => `${(x / 1000).toFixed(1)} s`;

function summary(label: string, samples: Sample[]) {
  const m = (f: (s: Sample) => number) => median(samples.map(f));
  console.log(
    `${label}: ready in ${secs(m((s) => s.ms))} (rounds: ${
      samples.map((s) => secs(s.ms)).join(", ")
    }), cpu ${m((s) => s.cpu).toFixed(1)} s, resident at ready ${mib(m((s) => s.rss))}, peak ${
      mib(m((s) => s.hwm))
    }`,
  );
}

async function run(options: { rounds?: number }) {
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const load = () => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  console.log(`${rounds} rounds, load average before: ${load()}`);
  const floors: Sample[] = [];
  const starts: Awaited<ReturnType<typeof start>>[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      floors.push(await floor());
      starts.push(await start());
    } else {
      starts.push(await start());
      floors.push(await floor());
    }
    const f = floors.at(-1)!, s = starts.at(-1)!;
    console.log(
      `round ${i + 1}: PGlite alone ${secs(f.ms)} ${mib(f.rss)}; start ${secs(s.ms)} ${
        mib(s.rss)
      } (${times(s.ms / f.ms)}); demo cohort in at ${
        s.cohortMs === null ? "never" : secs(s.cohortMs)
      }, slowest /readyz meanwhile ${s.slowestReadyz.toFixed(0)} ms`,
    );
  }
  summary("PGlite alone", floors);
  summary("deno task start", starts);
  const ratio = median(starts.map((s, i) => s.ms / floors[i].ms));
  const cpuRatio = median(starts.map((s, i) => s.cpu / floors[i].cpu));
  console.log(
    `ratio (time to ready, per round, median): ${times(ratio)}; cpu ${
      times(cpuRatio)
    }; resident at ready: start ${mib(median(starts.map((s) => s.rss)))} vs PGlite alone ${
      mib(median(floors.map((s) => s.rss)))
    }`,
  );
  console.log(`load average after: ${load()}`);
  console.log("\nstart-up log of the last round (arrival, server resident then):");
  for (const line of starts.at(-1)!.lines) {
    let text = line.text;
    try {
      text = JSON.parse(text).msg ?? text;
    } catch { /* not JSON */ }
    console.log(
      `  ${secs(line.ms).padStart(7)} ${mib(line.rss).padStart(8)}  ${text.slice(0, 110)}`,
    );
  }
}

export const embeddedBench: Bench = {
  name: "embedded",
  summary: "fresh `deno task start` to /readyz vs PGlite alone (time, resident memory)",
  run: (options) => run(options),
};
