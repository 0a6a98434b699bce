/**
 * Database outages under concurrent ingest, against a throwaway cluster that the test stops and
 * restarts (clean and crash-like): the app process stays alive, requests get 503 with Retry-After,
 * /readyz answers 503 within 1 s, service resumes by itself, and no request is half-written.
 */
import assert from "node:assert/strict";
import { issueToken } from "../lib/auth.ts";
import { createClient } from "../lib/db/client.ts";
import { migrateUp } from "../lib/db/migrate.ts";
import { type Cluster, clusterUnavailable, startCluster } from "./pg_cluster.ts";
import { childEnv } from "./scripts.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SECRET = "outage-test-secret-0123456789-abcdefghij";
const WORKERS = 8;
const ANSWERS = 5; // × 2 skills = 10 rows per request

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitReady(base: string, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(`${base}/readyz`);
      await res.body?.cancel();
      if (res.ok) return Date.now() - t0;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

Deno.test({
  name: "outage: the app survives the database stopping under 8-way ingest and recovers",
  ignore: clusterUnavailable() !== null,
  async fn() {
    const cluster: Cluster = await startCluster();
    const port = freePort();
    const base = `http://127.0.0.1:${port}`;
    await migrateUp(cluster.url, { quiet: true });
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", "main.ts"],
      cwd: ROOT,
      env: childEnv({
        PULSE_ENV: "production",
        PULSE_AUTH_SECRET: SECRET,
        PULSE_ANALYTICS_DATABASE_URL: cluster.url,
        HOST: "127.0.0.1",
        PORT: String(port),
      }),
      clearEnv: true,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let exited = false;
    child.status.then(() => (exited = true));
    const stderr = new Response(child.stderr).text();
    const token = await issueToken(SECRET, "service", "svc");
    const attempts: { session: string; status: number; retryAfter: string | null }[] = [];
    let loading = true;
    try {
      await waitReady(base, 120_000);
      const worker = async () => {
        while (loading) {
          const session = crypto.randomUUID();
          let status = 0;
          let retryAfter: string | null = null;
          try {
            const res = await fetch(`${base}/api/sessions/${session}/events`, {
              method: "POST",
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
              body: JSON.stringify({
                user_id: crypto.randomUUID(),
                scenario_id: "outage",
                answers: Array.from({ length: ANSWERS }, (_, i) => ({
                  answer_id: `a${i}`,
                  ts: "2026-11-01T10:00:00Z",
                  pulse_step: "lead",
                  scores: { communication: 50 + i, structure: 60 },
                })),
              }),
            });
            status = res.status;
            retryAfter = res.headers.get("retry-after");
            await res.body?.cancel();
          } catch {
            status = -1; // connection to the app failed: the process died
          }
          attempts.push({ session, status, retryAfter });
          if (status !== 200) await sleep(50);
        }
      };
      const workers = Array.from({ length: WORKERS }, worker);
      const outcomes: string[] = [];
      for (const mode of ["fast", "immediate"] as const) {
        await sleep(1_500);
        const before = attempts.length;
        await cluster.stop(mode);
        await sleep(300);
        const t0 = performance.now();
        const ready = await fetch(`${base}/readyz`);
        const readyMs = performance.now() - t0;
        await ready.body?.cancel();
        assert.equal(ready.status, 503, "readyz while the database is down");
        assert.ok(readyMs < 1_000, `readyz took ${Math.round(readyMs)} ms`);
        await sleep(2_000);
        const down = attempts.slice(before);
        assert.ok(down.some((a) => a.status === 503), `no 503 during the ${mode} outage`);
        await cluster.start();
        const recoveredMs = await waitReady(base, 30_000);
        const mark = attempts.length;
        await sleep(1_500);
        const after = attempts.slice(mark);
        assert.ok(after.some((a) => a.status === 200), `no success after the ${mode} outage`);
        outcomes.push(
          `${mode}: ${down.filter((a) => a.status === 503).length} × 503 during the outage, ` +
            `readyz ${Math.round(readyMs)} ms, ready again ${recoveredMs} ms after restart, ` +
            `${after.filter((a) => a.status === 200).length} × 200 after`,
        );
      }
      loading = false;
      await Promise.all(workers);
      assert.equal(exited, false, "the app process died");

      const statuses = new Map<number, number>();
      for (const a of attempts) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      assert.deepEqual(
        [...statuses.keys()].filter((s) => s !== 200 && s !== 503),
        [],
        `unexpected statuses ${JSON.stringify([...statuses])}`,
      );
      for (const a of attempts) {
        if (a.status === 503) assert.ok(a.retryAfter, "503 without Retry-After");
      }

      // Nothing half-written: each request's rows are all there (200) or, after a 503, all or none.
      const sql = createClient(cluster.url, { max: 1 });
      try {
        const rows = await sql<{ session_id: string; n: number }[]>`
          select session_id::text, count(*)::int as n from analytics.session_events
          where scenario_id = 'outage' group by session_id`;
        const counts = new Map(rows.map((r) => [r.session_id, r.n]));
        for (const a of attempts) {
          const n = counts.get(a.session) ?? 0;
          if (a.status === 200) assert.equal(n, ANSWERS * 2, `session ${a.session} is incomplete`);
          else {assert.ok(
              n === 0 || n === ANSWERS * 2,
              `session ${a.session} is half-written (${n})`,
            );}
        }
      } finally {
        await sql.end();
      }
      console.log(
        `outage runs: ${attempts.length} requests ${
          JSON.stringify(Object.fromEntries(statuses))
        }; ${outcomes.join("; ")}`,
      );
    } finally {
      loading = false;
      const died = exited;
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      const log = await stderr;
      if (died && log) console.error(log.slice(-2000));
      await cluster.destroy();
    }
  },
});
