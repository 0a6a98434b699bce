import assert from "node:assert/strict";
import { createTestDatabase } from "../tests/db.ts";
import { putBlob, startAzurite } from "../tests/azurite.ts";
import { runScript } from "../tests/scripts.ts";
import { parseBackfillArgs } from "./backfill_transcripts.ts";

const SCRIPT = new URL("./backfill_transcripts.ts", import.meta.url).pathname;

Deno.test("backfill arguments", () => {
  const id = crypto.randomUUID();
  assert.deepEqual(parseBackfillArgs([]), {
    "dry-run": false,
    "session-id": [],
    concurrency: 1,
  });
  assert.deepEqual(
    parseBackfillArgs([
      "--dry-run",
      "--session-id",
      id,
      "--session-id",
      id,
      "--session-id-prefix",
      "0a",
      "--concurrency",
      "16",
    ]),
    { "dry-run": true, "session-id": [id, id], "session-id-prefix": "0a", concurrency: 16 },
  );
  for (
    const [args, pattern] of [
      [["--concurrency", "0"], /--concurrency/],
      [["--concurrency", "two"], /--concurrency/],
      [["--concurrency", "1.5"], /--concurrency/],
      [["--session-id", "abc"], /--session-id must be a UUID/],
      [["--session-id-prefix", "a/b"], /--session-id-prefix/],
      [["--bogus"], /bogus/],
      [["positional"], /positional/],
    ] as [string[], RegExp][]
  ) {
    assert.throws(() => parseBackfillArgs(args), pattern, args.join(" "));
  }
});

Deno.test("deno task backfill end to end: exact log lines, summary and exit codes", async () => {
  const [azurite, db] = await Promise.all([startAzurite(), createTestDatabase()]);
  try {
    const container = await azurite.container("legacy-sessions");
    const env = {
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      PULSE_SESSIONS_CONTAINER: "legacy-sessions",
      PULSE_ANALYTICS_DATABASE_URL: db.url,
    };
    // Listing order is by name, so with the default concurrency of 1 the log order is fixed.
    const [a, b, bad, later] = ["1", "2", "3", "4"].map((p) => p + crypto.randomUUID().slice(1));
    const user = crypto.randomUUID();
    await putBlob(container, `sessions/${a}/transcript.json`, {
      session_id: a,
      transcript: ["hi"],
    });
    await putBlob(container, `sessions/${a}/session.json`, { user_id: user });
    await putBlob(container, `sessions/${b}/transcript.json`, { transcript: " one line " });
    const badText = '{"transcript": [';
    await putBlob(container, `sessions/${bad}/transcript.json`, badText);
    let parseError = "";
    try {
      JSON.parse(badText);
    } catch (error) {
      parseError = (error as Error).message;
    }

    const first = await runScript(SCRIPT, [], env);
    assert.deepEqual(first.stdout, [
      `backfill_transcripts: inserted session ${a}`,
      `backfill_transcripts: inserted session ${b}`,
      "backfill_transcripts: summary discovered=3 inserted=2 skipped=0 failed=1 skipped_erased=0",
    ]);
    assert.deepEqual(first.stderr, [
      `backfill_transcripts: failed session ${bad}: invalid JSON in sessions/${bad}/transcript.json: ${parseError}`,
    ]);
    assert.equal(first.code, 1, "a failed blob makes the exit code non-zero");
    // Without a learner (b has no session.json) the transcript waits in unattached_transcripts.
    const stored = () =>
      db.sql`
      select session_id, user_id, transcript_lines from analytics.session_transcripts
      union all
      select session_id, null, transcript_lines from analytics.unattached_transcripts
      order by session_id`;
    const rows = await stored();
    assert.deepEqual(rows.map((r) => [r.session_id, r.user_id, r.transcript_lines]), [
      [a, user, ["hi"]],
      [b, null, ["one line"]],
    ]);

    await putBlob(container, `sessions/${later}/transcript.json`, { transcript: ["later"] });
    const dry = await runScript(SCRIPT, ["--dry-run", "--session-id-prefix", "4"], env);
    assert.deepEqual(dry.stdout, [
      `backfill_transcripts: would insert session ${later}`,
      "backfill_transcripts: summary (dry run, nothing written) discovered=1 inserted=0 skipped=0 failed=0 skipped_erased=0 would_insert=1",
    ]);
    assert.equal(dry.code, 0);

    const filtered = await runScript(
      SCRIPT,
      ["--session-id", a, "--session-id", b, "--concurrency", "4"],
      env,
    );
    assert.deepEqual(
      filtered.stdout.sort(),
      [
        `backfill_transcripts: skipped existing session ${a}`,
        `backfill_transcripts: skipped existing session ${b}`,
        "backfill_transcripts: summary discovered=2 inserted=0 skipped=2 failed=0 skipped_erased=0",
      ].sort(),
    );
    assert.deepEqual(filtered.stderr, []);
    assert.equal(filtered.code, 0);
    assert.equal((await stored()).length, 2);

    const usage = await runScript(SCRIPT, ["--concurrency", "0"], env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr.join("\n"), /--concurrency .*\nusage: deno task backfill/);
    const noStorage = await runScript(SCRIPT, [], { PULSE_ANALYTICS_DATABASE_URL: db.url });
    assert.equal(noStorage.code, 2);
    assert.match(noStorage.stderr[0], /AZURE_STORAGE_CONNECTION_STRING is not set/);
  } finally {
    await Promise.all([azurite.stop(), db.close()]);
  }
});
