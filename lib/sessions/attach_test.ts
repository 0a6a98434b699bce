import assert from "node:assert/strict";
import { createTestDatabase, truncateAll } from "../../tests/db.ts";
import { claimSessions } from "./owners.ts";
import { attachSessions } from "./attach.ts";
import { readFeedback } from "./feedback.ts";
import { importHistoryDir } from "../legacy/import.ts";
import { memoryLog } from "../legacy/run_log.ts";
import { insertScorecard } from "./scorecards.ts";
import { getTranscript, insertTranscript } from "./transcripts.ts";
import { catalog, lowRule } from "../../tests/static_config.ts";

const id = () => crypto.randomUUID();

Deno.test("unattached transcripts and scorecards: read, attached, first write wins", async (t) => {
  const db = await createTestDatabase();
  const park = async (session: string, line: string) => {
    const apiId = await insertTranscript(db.sql, {
      sessionId: session,
      userId: null,
      lines: [line],
      json: [line],
    });
    await insertScorecard(db.sql, {
      sessionId: session,
      userId: null,
      ts: null,
      scores: { bce_score: 60 },
      json: { bce_score: 60 },
    });
    return apiId!;
  };
  try {
    await t.step("feedback reads a transcript waiting for its learner", async () => {
      await truncateAll(db.sql);
      const s = id();
      const apiId = await park(s, "legacy line");
      const owners: (string | null)[] = [];
      const feedback = await readFeedback(db.sql, null, s, (owner) => owners.push(owner));
      assert.deepEqual(owners, [null]);
      assert.equal(feedback!.source, "db");
      assert.equal(feedback!.user_id, null);
      assert.deepEqual([feedback!.transcript!.api_id, feedback!.transcript!.lines], [apiId, [
        "legacy line",
      ]]);
      assert.equal(feedback!.scorecard!.bce_score, 60);
      assert.equal(
        await insertTranscript(db.sql, {
          sessionId: s,
          userId: null,
          lines: ["again"],
          json: null,
        }),
        null,
        "one unattached transcript per session",
      );
    });

    await t.step(
      "attaching moves both rows with their ids; the learner's own row wins",
      async () => {
        await truncateAll(db.sql);
        const [s1, s2, user] = [id(), id(), id()];
        const apiId = await park(s1, "legacy 1");
        await park(s2, "legacy 2");
        // s2: the learner has their own transcript already (the unattached copy is dropped).
        await insertTranscript(db.sql, { sessionId: s2, userId: user, lines: ["own"], json: null });
        const claims = [{ session_id: s1, user_id: user }, { session_id: s2, user_id: user }];
        const attached = await db.sql.begin(async (tx) => {
          await claimSessions(tx, claims);
          return await attachSessions(tx, claims);
        });
        assert.deepEqual(attached.transcripts, [s1]);
        assert.deepEqual(attached.scorecards.sort(), [s1, s2].sort());
        const moved = await getTranscript(db.sql, user, s1);
        assert.deepEqual([moved!.api_id, moved!.user_id, moved!.transcript_lines], [apiId, user, [
          "legacy 1",
        ]]);
        assert.deepEqual((await getTranscript(db.sql, user, s2))!.transcript_lines, ["own"]);
        assert.equal(await getTranscript(db.sql, null, s1), null);
        assert.equal(await getTranscript(db.sql, null, s2), null);
        const feedback = await readFeedback(db.sql, null, s1, () => {});
        assert.equal(feedback!.user_id, user);
        assert.equal(
          (await attachSessions(db.sql, claims)).transcripts.length,
          0,
          "twice: nothing",
        );
      },
    );

    await t.step("a history import attaches the rows of its sessions", async () => {
      await truncateAll(db.sql);
      const [s, user] = [id(), id()];
      await park(s, "legacy");
      const dir = await Deno.makeTempDir({ prefix: "pulse_attach_" });
      try {
        await Deno.mkdir(`${dir}/users`);
        await Deno.writeTextFile(
          `${dir}/users/history_${user}.json`,
          JSON.stringify([{
            session_id: s,
            answer_id: "q1",
            ts: "2026-01-05T09:00:00Z",
            scores: { communication: 70 },
          }]),
        );
        const log = memoryLog();
        const summary = await importHistoryDir(db.sql, dir, { catalog, lowRule }, log.sink);
        assert.equal(summary.inserted, 1, log.errors.join("\n"));
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
      assert.equal((await getTranscript(db.sql, user, s))!.user_id, user);
      const [{ n }] = await db.sql`
        select count(*)::int as n from analytics.scorecards where user_id = ${user}`;
      assert.equal(n, 1);
    });
  } finally {
    await db.close();
  }
});
