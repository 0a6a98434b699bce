/**
 * Two app processes (`deno run -A main.ts`) on one server database: answers posted without
 * `/complete` show in GET readiness within 60 s, one runner works at a time (the recorded runs
 * never overlap) and nobody is computed twice.
 */
import assert from "node:assert/strict";
import { issueToken } from "../lib/auth.ts";
import { createTestDatabase, testServerUrl } from "./db.ts";
import { TEST_SECRET } from "./harness.ts";
import { childEnv } from "./scripts.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const FOLLOW_MS = 60_000;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function startApp(databaseUrl: string, dataDir: string) {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: ROOT,
    clearEnv: true,
    env: childEnv({
      PULSE_ANALYTICS_DATABASE_URL: databaseUrl,
      PULSE_AUTH_SECRET: TEST_SECRET,
      PULSE_DATA_DIR: dataDir,
      PORT: String(port),
      PULSE_READINESS_INTERVAL_SECONDS: "1",
    }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const pump = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(new WritableStream({ write: (chunk) => void (output += decoder.decode(chunk)) }));
  const done = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const base = `http://127.0.0.1:${port}`;
  // Start-up may bundle the islands: on a busy machine that takes a while.
  const deadline = Date.now() + 180_000;
  let up = false;
  while (!up && Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/healthz`);
      await res.body?.cancel();
      up = res.ok;
    } catch { /* not up yet */ }
    if (!up) await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    up,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      const status = await child.status;
      await done;
      return status.code;
    },
  };
}

type App = Awaited<ReturnType<typeof startApp>>;

/** The sum of a counter's series matching `labels` in an app's /metrics. */
async function metric(app: App, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${app.base}/metrics`)).text();
  return text.split("\n")
    .filter((line) => line.startsWith(`${name}${labels}`) && /^[^ ]+ [\d.e+-]+$/.test(line))
    .reduce((sum, line) => sum + Number(line.split(" ")[1]), 0);
}

Deno.test({
  name: "readiness runner: two app processes, answers without /complete followed within 60 s",
  ignore: !testServerUrl(),
  async fn() {
    const db = await createTestDatabase();
    const dataDir = await Deno.makeTempDir({ prefix: "pulse-runner-" });
    const apps: App[] = [];
    try {
      apps.push(await startApp(db.url, dataDir), await startApp(db.url, dataDir));
      for (const app of apps) assert.ok(app.up, `app did not start:\n${app.output()}`);
      const [first, second] = apps;
      const service = await issueToken(TEST_SECRET, "service", "svc");
      const admin = await issueToken(TEST_SECRET, "admin", "adm");
      const learner = crypto.randomUUID();

      const post = async (app: App, scores: number[]) => {
        const session = crypto.randomUUID();
        const res = await fetch(`${app.base}/api/sessions/${session}/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${service}`, "content-type": "application/json" },
          body: JSON.stringify({
            user_id: learner,
            scenario_id: "runner",
            answers: scores.map((score, i) => ({
              answer_id: `a${i}`,
              ts: new Date(Date.now() - (scores.length - i) * 1000).toISOString(),
              pulse_step: "lead",
              scores: { communication: score },
            })),
          }),
        });
        assert.equal(res.status, 200, await res.text());
      };
      /** Polls GET readiness on `app` until `ok` holds; returns how long it took. */
      const follow = async (app: App, ok: (latest: { overall: number } | null) => boolean) => {
        const t0 = Date.now();
        while (Date.now() - t0 < FOLLOW_MS) {
          const res = await fetch(`${app.base}/api/users/${learner}/readiness`, {
            headers: { authorization: `Bearer ${admin}` },
          });
          const body = await res.json();
          if (res.ok && ok(body.latest)) return Date.now() - t0;
          await new Promise((r) => setTimeout(r, 250));
        }
        assert.fail(`readiness did not follow within ${FOLLOW_MS} ms`);
      };

      // Posted to one process, read from the other: no /complete, no recompute call.
      await post(first, [40, 50]);
      const firstMs = await follow(second, (latest) => latest !== null);
      const [{ overall: before }] = await db.sql<{ overall: number }[]>`
        select readiness_overall::float8 as overall from analytics.user_readiness
        where user_id = ${learner} order by ts desc limit 1`;
      await post(second, [95, 100]);
      const secondMs = await follow(first, (latest) => latest !== null && latest.overall > before);
      assert.ok(firstMs < FOLLOW_MS && secondMs < FOLLOW_MS);

      // Let a few more ticks pass in both: nothing is due, nothing runs.
      await new Promise((r) => setTimeout(r, 2500));
      const runs = await db.sql<{ started_at: Date; finished_at: Date; learners: number }[]>`
        select started_at, finished_at, learners from analytics.readiness_runs order by started_at`;
      assert.ok(runs.length >= 2, `runs: ${runs.length}`);
      for (let i = 1; i < runs.length; i++) {
        assert.ok(
          runs[i].started_at >= runs[i - 1].finished_at,
          `run ${i} started before run ${i - 1} finished: two runners at once`,
        );
      }
      // The learner was computed once per post: never by both processes.
      assert.equal(runs.reduce((n, r) => n + r.learners, 0), 2);
      const [{ pending }] = await db.sql<{ pending: number }[]>`
        select count(*)::int as pending from analytics.readiness_pending`;
      assert.equal(pending, 0);

      // /metrics: every recorded run is one process's "done"; the backlog is read from the table.
      let done = 0;
      for (const app of apps) {
        done += await metric(app, "pulse_readiness_runner_runs_total", '{outcome="done"}');
        assert.equal(await metric(app, "pulse_readiness_pending"), 0);
        assert.ok(await metric(app, "pulse_readiness_last_run_timestamp_seconds") > 0);
      }
      assert.equal(done, runs.length);
      for (const app of apps.splice(0)) assert.equal(await app.stop(), 0, app.output());
    } finally {
      for (const app of apps) await app.stop();
      await db.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
