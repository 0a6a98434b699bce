/** `deno task start` on a fresh data dir: embedded database, migrated, serving, data kept on restart. */
import assert from "node:assert/strict";
import { issueToken } from "../lib/auth.ts";
import { DEMO_LEARNERS } from "../lib/demo/people.ts";
import { COHORT_SIZE } from "../lib/demo/seed.ts";

const ROOT = new URL("../", import.meta.url).pathname;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function startServer(dataDir: string, port: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: ROOT,
    env: {
      PULSE_DATA_DIR: dataDir,
      PORT: String(port),
      PULSE_ANALYTICS_DATABASE_URL: "",
      PULSE_AUTH_SECRET: "",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const pump = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(new WritableStream({ write: (chunk) => void (output += decoder.decode(chunk)) }));
  const done = Promise.all([pump(child.stdout), pump(child.stderr)]);
  // A first start migrates, seeds and bundles the islands: on a busy 2-core machine running the
  // browser tests beside it that can take more than a minute.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await done;
    },
  };
}

Deno.test("embedded start: migrates, serves healthz/readyz, keeps data across restarts; the demo cohort follows", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "pulse-start-" });
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const session = crypto.randomUUID();
  let server = await startServer(dataDir, port);
  try {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200, await ready.clone().text());
    await ready.body?.cancel();
    assert.match(server.output(), /embedded PGlite database/);
    assert.match(server.output(), /deno task token/);

    const secret = (await Deno.readTextFile(`${dataDir}/dev_auth_secret`)).trim();
    // Ready means the demo data is there: a demo learner reads their readiness history.
    const demo = DEMO_LEARNERS[0].userId;
    const history = await fetch(`${base}/api/users/${demo}/readiness`, {
      headers: { authorization: `Bearer ${await issueToken(secret, "learner", demo)}` },
    });
    assert.equal(history.status, 200, await history.clone().text());
    assert.ok((await history.json()).history.length > 0);
    const token = await issueToken(secret, "service", "svc");
    const post = await fetch(`${base}/api/sessions/${session}/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        user_id: crypto.randomUUID(),
        scenario_id: "s",
        answers: [{
          answer_id: "a",
          ts: "2026-11-01T00:00:00Z",
          pulse_step: "lead",
          scores: { communication: 50 },
        }],
      }),
    });
    assert.deepEqual(await post.json(), {
      session_id: session,
      rows: 1,
      inserted: 1,
      already_present: 0,
    });

    // Stopped right away: most likely while the demo cohort is still being written.
    await server.stop();
    const firstOutput = server.output();
    server = await startServer(dataDir, port);
    const again = await fetch(`${base}/api/sessions/${session}/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        user_id: "00000000-0000-4000-8000-000000000000",
        scenario_id: "s",
        answers: [{
          answer_id: "a",
          ts: "2026-11-01T00:00:00Z",
          pulse_step: "lead",
          scores: { communication: 50 },
        }],
      }),
    });
    // The session survived the restart: it still belongs to the first learner.
    assert.equal(again.status, 409);
    await again.body?.cancel();

    // The demo cohort is written after the server listens; a start stopped before it was done
    // writes the rest on the next start. Either way every demo learner ends up in the directory
    // with their readiness, once, beside the learner posted above.
    const cohortDone = /Demo cohort ready/;
    const wait = Date.now() + 120_000;
    while (!cohortDone.test(firstOutput + server.output()) && Date.now() < wait) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(firstOutput + server.output(), cohortDone);
    const coach = await issueToken(secret, "coach", "coach-1");
    const directory = await fetch(`${base}/api/learners?limit=1`, {
      headers: { authorization: `Bearer ${coach}` },
    });
    assert.equal(directory.status, 200);
    assert.equal((await directory.json()).total, DEMO_LEARNERS.length + COHORT_SIZE + 1);
    const measured = await fetch(`${base}/api/learners?limit=1&band=none`, {
      headers: { authorization: `Bearer ${coach}` },
    });
    assert.equal(measured.status, 200);
    // Only the posted learner (no readiness until the runner computes it) is without a band.
    assert.ok((await measured.json()).total <= 1);
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
