import assert from "node:assert/strict";
import { createTestDatabase } from "../tests/db.ts";
import { runScript } from "../tests/scripts.ts";
import { parseImportArgs } from "./import_history.ts";

const SCRIPT = new URL("./import_history.ts", import.meta.url).pathname;

Deno.test("import-history arguments", () => {
  assert.deepEqual(parseImportArgs(["legacy/"]), { dir: "legacy", dryRun: false, rebuild: true });
  assert.deepEqual(parseImportArgs(["--dry-run", "/data"]), {
    dir: "/data",
    dryRun: true,
    rebuild: true,
  });
  assert.equal(parseImportArgs(["d", "--no-rebuild"]).rebuild, false);
  assert.throws(() => parseImportArgs([]), /exactly one DIR/);
  assert.throws(() => parseImportArgs(["a", "b"]), /exactly one DIR/);
  assert.throws(() => parseImportArgs(["a", "--force"]), /force/);
});

Deno.test("deno task import-history end to end: log lines, summary and exit codes", async () => {
  const db = await createTestDatabase();
  const dir = await Deno.makeTempDir({ prefix: "pulse_import_" });
  try {
    const env = { PULSE_ANALYTICS_DATABASE_URL: db.url };
    const [user, session, card] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await Deno.mkdir(`${dir}/sessions/${card}`, { recursive: true });
    await Deno.mkdir(`${dir}/users`);
    await Deno.writeTextFile(
      `${dir}/sessions/${card}/scorecard.json`,
      JSON.stringify({ user_id: user, bce_score: 75 }),
    );
    await Deno.writeTextFile(
      `${dir}/users/history_${user}.json`,
      JSON.stringify([{
        session_id: session,
        answer_id: "a1",
        ts: "2025-01-01T09:00:00Z",
        pulse_step: "lead",
        scores: { communication: 70, structure: 65 },
      }]),
    );
    const bad = crypto.randomUUID();
    await Deno.writeTextFile(`${dir}/users/history_${bad}.json`, "[{");

    const first = await runScript(SCRIPT, [dir], env);
    assert.deepEqual(first.stdout, [
      `import_history: inserted scorecard ${card}`,
      `import_history: inserted history ${user} (2 new events, 0 already present)`,
      "import_history: summary discovered=3 inserted=2 skipped=0 failed=1 skipped_erased=0 events_inserted=2",
      "import_history: rebuilt readiness of 1 learners (1 snapshots)",
    ]);
    // The imported session's snapshot is dated by its answer, not by the import.
    const [snapshot] = await db.sql<{ ts: Date }[]>`
      select ts from analytics.user_readiness where user_id = ${user}`;
    assert.equal(snapshot.ts.toISOString(), "2025-01-01T09:00:00.000Z");
    assert.equal(first.stderr.length, 1);
    assert.match(
      first.stderr[0],
      new RegExp(
        `^import_history: failed history ${bad}: invalid JSON in .+history_${bad}\\.json: `,
      ),
    );
    assert.equal(first.code, 1);

    await Deno.remove(`${dir}/users/history_${bad}.json`);
    const again = await runScript(SCRIPT, [dir, "--dry-run"], env);
    assert.deepEqual(again.stdout, [
      `import_history: skipped existing scorecard ${card}`,
      `import_history: skipped existing history ${user} (2 events already present)`,
      "import_history: summary (dry run, nothing written) discovered=2 inserted=0 skipped=2 failed=0 skipped_erased=0 would_insert=0 events_would_insert=0",
    ]);
    assert.equal(again.code, 0);
    const [{ events, cards }] = await db.sql`
      select (select count(*)::int from analytics.session_events) as events,
             (select count(*)::int from analytics.scorecards) as cards`;
    assert.deepEqual([events, cards], [2, 1]);

    const missing = await runScript(SCRIPT, [`${dir}/nope`], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr.join("\n"), /does not exist\nusage: deno task import-history DIR/);
  } finally {
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
