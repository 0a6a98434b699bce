/**
 * One owner for the embedded database, with real processes: ops tasks beside a running server go
 * through its socket (and their rows are there after a restart), a second server refuses, and a
 * server killed with SIGKILL leaves no lock that blocks the next start.
 */
import assert from "node:assert/strict";
import { issueToken } from "../lib/auth.ts";
import { createClient } from "../lib/db/client.ts";
import { childEnv, runScript } from "./scripts.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SECRET = "owner-test-secret-0123456789-abcdefghij";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function env(dataDir: string, port: number): Record<string, string> {
  // Production: no demo seeding, so the test measures ownership, not seeding.
  return {
    PULSE_ENV: "production",
    PULSE_AUTH_SECRET: SECRET,
    PULSE_DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    PORT: String(port),
  };
}

async function startServer(dataDir: string, port: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "main.ts"],
    cwd: ROOT,
    env: childEnv(env(dataDir, port)),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const pump = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(new WritableStream({ write: (chunk) => void (output += decoder.decode(chunk)) }));
  const done = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const deadline = Date.now() + 180_000;
  let exited = false;
  child.status.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    output: () => output,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* gone */ }
      const status = await child.status;
      await done;
      return status;
    },
  };
}

Deno.test("embedded database: one owner; ops go through it; no stale lock after a crash", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "pulse-owner-" });
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const user = crypto.randomUUID();
  const service = await issueToken(SECRET, "service", "svc");
  const admin = await issueToken(SECRET, "admin", "adm");
  let server = await startServer(dataDir, port);
  try {
    // Evidence for one learner, written by the server.
    for (let s = 0; s < 3; s++) {
      const res = await fetch(`${base}/api/sessions/${crypto.randomUUID()}/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${service}`, "content-type": "application/json" },
        body: JSON.stringify({
          user_id: user,
          scenario_id: "s",
          answers: [1, 2].map((a) => ({
            answer_id: `a${a}`,
            ts: `2026-11-0${s + 1}T10:0${a}:00Z`,
            pulse_step: "lead",
            scores: { communication: 60 + s, structure: 70 },
          })),
        }),
      });
      assert.equal(res.status, 200, await res.text());
    }

    // An ops task while the server runs: works through the server's socket.
    const recompute = await runScript(
      `${ROOT}scripts/recompute.ts`,
      ["--user", user],
      env(dataDir, port),
    );
    assert.equal(recompute.code, 0, [...recompute.stdout, ...recompute.stderr].join("\n"));
    assert.match(recompute.stdout.join("\n"), /through the running server \(pid \d+\)/);
    const status = await runScript(`${ROOT}scripts/db.ts`, ["status"], env(dataDir, port));
    assert.equal(status.code, 0, status.stderr.join("\n"));
    assert.match(status.stdout.join("\n"), /through the running server/);
    // The server sees the ops task's snapshot at once.
    const readiness = async () => {
      const res = await fetch(`${base}/api/users/${user}/readiness`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      assert.equal(res.status, 200);
      return await res.json();
    };
    assert.equal((await readiness()).latest?.meta?.trigger, "cli");

    // A second server on the same directory refuses with one line naming the owner.
    const second = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", "main.ts"],
      cwd: ROOT,
      env: childEnv(env(dataDir, freePort())),
      clearEnv: true,
    }).output();
    const err = new TextDecoder().decode(second.stderr).trim();
    assert.equal(second.code, 1);
    assert.equal(err.split("\n").length, 1, err);
    assert.match(err, new RegExp(`PULSE_DATA_DIR: .*pid ${server.child.pid}`));

    // The socket wants the per-start password, which only this OS user can read (lock 0600).
    const lock = `${dataDir}/pgdata.lock`;
    assert.equal(Deno.statSync(lock).mode! & 0o777, 0o600);
    const published = new URL(JSON.parse(Deno.readTextFileSync(lock)).url);
    assert.ok(published.password.length >= 32);
    const wrong = new URL(published);
    wrong.password = "guessed";
    const intruder = createClient(wrong.href, { max: 1, connectTimeout: 5 });
    await assert.rejects(() => intruder`select 1`, /password/i);
    await intruder.end();

    // A crash (SIGKILL) leaves the lock behind; the next start takes it over at once.
    await server.stop("SIGKILL");
    const restarted = Date.now();
    server = await startServer(dataDir, port);
    assert.doesNotMatch(server.output(), /open in another process/);
    assert.ok(Date.now() - restarted < 120_000);
    const after = await readiness();
    assert.equal(
      after.latest?.meta?.trigger,
      "cli",
      "the ops task's snapshot survived the restart",
    );
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
