/**
 * A throwaway PostgreSQL cluster for fault tests: initdb into a temporary directory as a non-root
 * user (the `postgres` system user when running as root), pg_ctl on a free loopback port. Tests
 * stop and start it on purpose; the shared server is never touched.
 */

const BIN_ROOT = "/usr/lib/postgresql";

export interface Cluster {
  url: string;
  port: number;
  start(): Promise<void>;
  /** `fast`: clean shutdown (clients are disconnected); `immediate`: like a crash. */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /**
   * SIGSTOP to the server and all its processes: a server that stops answering without closing
   * its sockets (a hung host, a partition); `thaw()` resumes it.
   */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  destroy(): Promise<void>;
}

function binDir(): string | null {
  try {
    const versions = [...Deno.readDirSync(BIN_ROOT)].map((e) => e.name).sort((a, b) =>
      Number(b) - Number(a)
    );
    for (const v of versions) {
      try {
        Deno.statSync(`${BIN_ROOT}/${v}/bin/pg_ctl`);
        return `${BIN_ROOT}/${v}/bin`;
      } catch { /* next */ }
    }
  } catch { /* no PostgreSQL installed */ }
  return null;
}

/** Why a throwaway cluster cannot be made here, or null when it can. */
export function clusterUnavailable(): string | null {
  if (!binDir()) return `no PostgreSQL binaries under ${BIN_ROOT}`;
  if (Deno.uid() === 0) {
    try {
      Deno.statSync("/usr/sbin/runuser");
    } catch {
      return "running as root without runuser";
    }
  }
  return null;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function run(command: string, args: string[]) {
  const asRoot = Deno.uid() === 0;
  const out = await new Deno.Command(asRoot ? "/usr/sbin/runuser" : command, {
    args: asRoot ? ["-u", "postgres", "--", command, ...args] : args,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  if (out.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}${
        new TextDecoder().decode(out.stdout)
      }`,
    );
  }
}

/** initdb + start on a free port; trust auth on loopback; `destroy()` stops and removes it. */
export async function startCluster(): Promise<Cluster> {
  const bin = binDir()!;
  const dir = await Deno.makeTempDir({ prefix: "pulse-pg-" });
  if (Deno.uid() === 0) {
    const ids = new TextDecoder().decode(
      (await new Deno.Command("id", { args: ["-u", "postgres"], stdout: "piped" }).output()).stdout,
    ).trim();
    const gid = new TextDecoder().decode(
      (await new Deno.Command("id", { args: ["-g", "postgres"], stdout: "piped" }).output()).stdout,
    ).trim();
    await Deno.chown(dir, Number(ids), Number(gid));
  }
  const data = `${dir}/data`;
  const port = freePort();
  await run(`${bin}/initdb`, [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "--no-sync",
    "-E",
    "UTF8",
  ]);
  const pgCtl = async (...args: string[]) => await run(`${bin}/pg_ctl`, ["-D", data, ...args]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => pgCtl("-w", "-t", "60", "-o", options, "-l", `${dir}/log`, "start");
  await start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    port,
    async start() {
      await start();
      running = true;
    },
    async stop(mode = "fast") {
      await pgCtl("-w", "-m", mode, "stop");
      running = false;
    },
    freeze: () => signalAll(data, "SIGSTOP"),
    thaw: () => signalAll(data, "SIGCONT"),
    async destroy() {
      await signalAll(data, "SIGCONT").catch(() => {});
      if (running) await pgCtl("-w", "-m", "immediate", "stop").catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Sends `signal` to the postmaster of `data` and to each of its child processes. */
async function signalAll(data: string, signal: "SIGSTOP" | "SIGCONT"): Promise<void> {
  const postmaster = Number((await Deno.readTextFile(`${data}/postmaster.pid`)).split("\n")[0]);
  const out = await new Deno.Command("ps", {
    args: ["-o", "pid=", "--ppid", String(postmaster)],
    stdout: "piped",
  }).output();
  const children = new TextDecoder().decode(out.stdout).split(/\s+/).filter(Boolean).map(Number);
  // Children first on stop (none can notice the postmaster stopping), the postmaster first on
  // resume.
  const order = signal === "SIGSTOP" ? [...children, postmaster] : [postmaster, ...children];
  for (const pid of order) {
    try {
      Deno.kill(pid, signal);
    } catch { /* exited meanwhile */ }
  }
}
