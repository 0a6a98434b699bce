import assert from "node:assert/strict";
import { createTestDatabase } from "../tests/db.ts";
import { recordSession } from "../tests/readiness_fixtures.ts";
import { runScript } from "../tests/scripts.ts";
import { parseRecomputeArgs, resultLine } from "./recompute.ts";

const SCRIPT = new URL("./recompute.ts", import.meta.url).pathname;

Deno.test("recompute arguments", () => {
  assert.deepEqual(parseRecomputeArgs([]), {
    user: undefined,
    activeSince: undefined,
    full: false,
    rebuild: false,
    directory: false,
  });
  const u = crypto.randomUUID();
  assert.deepEqual(parseRecomputeArgs(["--rebuild", "--user", u.toUpperCase()]), {
    user: u,
    activeSince: undefined,
    full: false,
    rebuild: true,
    directory: false,
  });
  assert.equal(parseRecomputeArgs(["--directory"]).directory, true);
  assert.throws(() => parseRecomputeArgs(["--directory", "--full"]), /directory/);
  assert.throws(() => parseRecomputeArgs(["--user", "x"]), /not a uuid/);
  assert.throws(() => parseRecomputeArgs(["--active-since", "soon"]), /not a date/);
  assert.throws(() => parseRecomputeArgs(["--rebuild", "--full"]), /rebuild/);
  assert.throws(() => parseRecomputeArgs(["--force"]), /force/);
  assert.equal(
    resultLine({
      mode: "incremental",
      learners: 0,
      snapshots: 0,
      unchanged: 0,
      batches: 0,
      duration_ms: 1,
      skipped: true,
    }),
    "skipped: another recompute is running",
  );
});

Deno.test("deno task recompute as a scheduled job: incremental, idempotent, rebuild", async () => {
  const db = await createTestDatabase();
  try {
    const env = { PULSE_ANALYTICS_DATABASE_URL: db.url };
    const u = crypto.randomUUID();
    await recordSession(db.sql, u, 3, { communication: [60, 70], structure: [65] });
    await recordSession(db.sql, u, 1, { communication: [80], structure: [75] });

    const first = await runScript(SCRIPT, [], env);
    assert.equal(first.code, 0, first.stderr.join("\n"));
    assert.match(
      first.stdout.at(-1)!,
      /^done \(full\): 1 learners, 1 snapshots written, 0 unchanged/,
    );
    // The cron line again: nothing new, nothing looked at, nothing written.
    const second = await runScript(SCRIPT, [], env);
    assert.match(second.stdout.at(-1)!, /^done \(incremental\): 0 learners, 0 snapshots written/);
    const rebuilt = await runScript(SCRIPT, ["--rebuild", "--user", u], env);
    assert.match(rebuilt.stdout.at(-1)!, /^done \(rebuild\): 1 learners, 2 snapshots written/);
    const one = await runScript(SCRIPT, ["--user", u], env);
    assert.match(one.stdout.at(-1)!, /\(unchanged\)$/);
    const bad = await runScript(SCRIPT, ["--user", "nope"], env);
    assert.equal(bad.code, 2);
  } finally {
    await db.close();
  }
});
