import assert from "node:assert/strict";
import { createTestDatabase, truncateAll } from "../../tests/db.ts";
import { putBlob, startAzurite } from "../../tests/azurite.ts";
import {
  type BackfillOptions,
  backfillTranscripts,
  pathSessionId,
  summaryLine,
} from "./backfill.ts";
import type { ContainerClient } from "./blob.ts";
import type { Sql } from "../db/mod.ts";
import { memoryLog } from "./run_log.ts";
import { captureEvents } from "../sessions/answers.ts";
import type { EventsRequest } from "../sessions/schema.ts";
import { completeSession } from "../sessions/complete.ts";
import { eraseLearner, liftTombstone } from "../privacy/mod.ts";
import { lowRule, readinessConfig } from "../../tests/static_config.ts";

function eventsFor(userId: string): EventsRequest {
  return {
    user_id: userId,
    scenario_id: "backend-1",
    answers: [{
      answer_id: "q1",
      ts: "2026-11-02T09:00:00Z",
      pulse_step: "lead",
      scores: { communication: 70 },
    }],
  } as EventsRequest;
}

const id = () => crypto.randomUUID();

async function run(container: ContainerClient, sql: Sql, options: BackfillOptions = {}) {
  const log = memoryLog();
  const summary = await backfillTranscripts(container, sql, options, log.sink);
  return { summary, lines: log.info, errors: log.errors };
}

async function stored(sql: Sql) {
  return await sql<
    {
      session_id: string;
      user_id: string | null;
      transcript_lines: string[];
      transcript_json: unknown;
    }[]
  >`select session_id, user_id, transcript_lines, transcript_json
    from analytics.session_transcripts
    union all
    select session_id, null, transcript_lines, transcript_json
    from analytics.unattached_transcripts
    order by session_id`;
}

Deno.test("pathSessionId takes the folder between sessions/ and /transcript.json", () => {
  assert.equal(pathSessionId("sessions/abc/transcript.json"), "abc");
  assert.equal(pathSessionId("sessions/a/b/transcript.json"), "a/b");
  assert.equal(pathSessionId("sessions//transcript.json"), "");
  assert.equal(pathSessionId("sessions/transcript.json"), "");
});

Deno.test("backfill of transcripts from blob storage", async (t) => {
  const [azurite, db] = await Promise.all([startAzurite(), createTestDatabase()]);
  let containers = 0;
  const freshContainer = () => azurite.container(`sessions${++containers}`);
  try {
    await t.step("shapes, session ids, session.json and bad blobs", async (st) => {
      await truncateAll(db.sql);
      const c = await freshContainer();
      const user = id();
      const [a, b, cc, d, e, f, pathOnly] = [id(), id(), id(), id(), id(), id(), id()];
      const docs: Record<string, unknown> = {
        // list: each element to string, trimmed, empties dropped
        [a]: { session_id: a, transcript: [" hello ", "", "   ", 42, null, "bye"] },
        // string: one trimmed line
        [b]: { session_id: b, transcript: "  one string\nstill one line  " },
        // list of objects: each object as JSON text
        [cc]: {
          transcript: [{ speaker: "coach", text: "Hi" }, { speaker: "learner", text: "Hello" }],
        },
        // missing transcript, empty session_id → id from the path
        [d]: { session_id: "", scenario: "x" },
        // unusable transcript (an object) → no lines, document still stored
        [e]: { session_id: e, transcript: { turns: ["a"] } },
        // a bare list as the whole document
        [f]: ["first", "  second  "],
      };
      for (const [sid, doc] of Object.entries(docs)) {
        await putBlob(c, `sessions/${sid}/transcript.json`, doc);
      }
      // Session id only in the path, upper-case: stored and logged in canonical lower case.
      await putBlob(c, `sessions/${pathOnly.toUpperCase()}/transcript.json`, { transcript: ["x"] });
      await putBlob(c, `sessions/${a}/session.json`, { user_id: user, level: "senior" });
      await putBlob(c, `sessions/${cc}/session.json`, { user_id: "user-42" });
      await putBlob(c, `sessions/${d}/session.json`, "{not json");
      await putBlob(c, `sessions/${e}/session.json`, { other: true });
      // failures
      const malformed = id();
      await putBlob(c, `sessions/${malformed}/transcript.json`, '{"session_id": "x", ');
      const badDocId = id();
      await putBlob(c, `sessions/${badDocId}/transcript.json`, {
        session_id: "abc",
        transcript: [],
      });
      await putBlob(c, `sessions/not-a-uuid/transcript.json`, { transcript: ["y"] });
      // not transcripts: ignored
      await putBlob(c, `sessions/${id()}/session.json`, { user_id: user });
      await putBlob(c, `sessions/${id()}/notes.txt`, "n");
      await putBlob(c, `archive/${id()}/transcript.json`, { transcript: [] });

      const { summary, lines, errors } = await run(c, db.sql);
      assert.deepEqual(summary, {
        dryRun: false,
        discovered: 10,
        inserted: 7,
        wouldInsert: 0,
        skipped: 0,
        failed: 3,
        skippedErased: 0,
      });
      assert.deepEqual(
        lines.sort(),
        [a, b, cc, d, e, f, pathOnly].map((s) => `backfill_transcripts: inserted session ${s}`)
          .sort(),
      );
      assert.equal(errors.length, 3);
      assert.ok(
        errors.includes(
          `backfill_transcripts: failed session abc: session id 'abc' is not a UUID`,
        ),
        errors.join("\n"),
      );
      assert.ok(errors.includes(
        `backfill_transcripts: failed session not-a-uuid: session id 'not-a-uuid' is not a UUID`,
      ));
      const bad = errors.find((l) => l.includes(malformed));
      assert.match(
        bad!,
        new RegExp(
          `^backfill_transcripts: failed session ${malformed}: invalid JSON in sessions/${malformed}/transcript\\.json: .+`,
        ),
      );
      assert.equal(
        summaryLine("backfill_transcripts", summary),
        "backfill_transcripts: summary discovered=10 inserted=7 skipped=0 failed=3 skipped_erased=0",
      );

      const rows = Object.fromEntries((await stored(db.sql)).map((r) => [r.session_id, r]));
      assert.equal(Object.keys(rows).length, 7);
      assert.deepEqual(rows[a].transcript_lines, ["hello", "42", "bye"]);
      assert.equal(rows[a].user_id, user);
      assert.deepEqual(rows[a].transcript_json, docs[a]);
      assert.deepEqual(rows[b].transcript_lines, ["one string\nstill one line"]);
      assert.equal(rows[b].user_id, null, "no session.json → NULL");
      assert.deepEqual(rows[cc].transcript_lines, [
        '{"speaker":"coach","text":"Hi"}',
        '{"speaker":"learner","text":"Hello"}',
      ]);
      assert.equal(rows[cc].user_id, null, "invalid user_id → NULL");
      assert.deepEqual(rows[d].transcript_lines, []);
      assert.equal(rows[d].user_id, null, "malformed session.json → NULL");
      assert.deepEqual(rows[e].transcript_lines, []);
      assert.deepEqual(rows[e].transcript_json, docs[e]);
      assert.equal(rows[e].user_id, null, "session.json without user_id → NULL");
      assert.deepEqual(rows[f].transcript_lines, ["first", "second"]);
      assert.deepEqual(rows[pathOnly].transcript_lines, ["x"]);

      await st.step("a second run skips every stored session and updates nothing", async () => {
        await db.sql`update analytics.session_transcripts set transcript_lines = '{edited}'
                     where session_id = ${a}`;
        const again = await run(c, db.sql);
        assert.deepEqual(again.summary, {
          dryRun: false,
          discovered: 10,
          inserted: 0,
          wouldInsert: 0,
          skipped: 7,
          failed: 3,
          skippedErased: 0,
        });
        assert.deepEqual(
          again.lines.sort(),
          [a, b, cc, d, e, f, pathOnly].map((s) =>
            `backfill_transcripts: skipped existing session ${s}`
          ).sort(),
        );
        const [row] = await db.sql`
          select transcript_lines from analytics.session_transcripts where session_id = ${a}`;
        assert.deepEqual(row.transcript_lines, ["edited"]);
        assert.equal((await stored(db.sql)).length, 7);
      });
    });

    await t.step("dry run reads and reports but writes nothing", async () => {
      await truncateAll(db.sql);
      const c = await freshContainer();
      const [x, y, z] = [id(), id(), id()];
      for (const s of [x, y, z]) {
        await putBlob(c, `sessions/${s}/transcript.json`, { transcript: [s] });
      }
      await putBlob(c, `sessions/${id()}/transcript.json`, "[broken");
      await db.sql`insert into analytics.unattached_transcripts (session_id, transcript_lines)
                   values (${z}, '{}')`;
      const { summary, lines, errors } = await run(c, db.sql, { dryRun: true });
      assert.deepEqual(summary, {
        dryRun: true,
        discovered: 4,
        inserted: 0,
        wouldInsert: 2,
        skipped: 1,
        failed: 1,
        skippedErased: 0,
      });
      assert.deepEqual(
        lines.sort(),
        [
          `backfill_transcripts: skipped existing session ${z}`,
          `backfill_transcripts: would insert session ${x}`,
          `backfill_transcripts: would insert session ${y}`,
        ].sort(),
      );
      assert.equal(errors.length, 1);
      assert.equal(
        summaryLine("backfill_transcripts", summary),
        "backfill_transcripts: summary (dry run, nothing written) discovered=4 inserted=0 skipped=1 failed=1 skipped_erased=0 would_insert=2",
      );
      assert.equal((await stored(db.sql)).length, 1);
    });

    await t.step("filters: --session-id (repeatable) and --session-id-prefix", async () => {
      const c = await freshContainer();
      const ids = ["0a", "0b", "1a", "1b", "2a"].map((p) => p + id().slice(2));
      for (const s of ids) await putBlob(c, `sessions/${s}/transcript.json`, { transcript: [s] });
      await truncateAll(db.sql);
      const byId = await run(c, db.sql, {
        sessionIds: [ids[1].toUpperCase(), ids[4], id()],
      });
      assert.equal(byId.summary.discovered, 2);
      assert.deepEqual(
        (await stored(db.sql)).map((r) => r.session_id).sort(),
        [ids[1], ids[4]].sort(),
      );

      await truncateAll(db.sql);
      const byPrefix = await run(c, db.sql, { sessionIdPrefix: "1" });
      assert.equal(byPrefix.summary.inserted, 2);
      assert.deepEqual(
        (await stored(db.sql)).map((r) => r.session_id).sort(),
        [ids[2], ids[3]].sort(),
      );

      await truncateAll(db.sql);
      const both = await run(c, db.sql, { sessionIdPrefix: "0", sessionIds: [ids[1], ids[2]] });
      assert.deepEqual(both.summary.discovered, 1, "filters combine: id listed AND prefix");
      assert.deepEqual((await stored(db.sql)).map((r) => r.session_id), [ids[1]]);

      const none = await run(c, db.sql, { sessionIdPrefix: "ff" });
      assert.deepEqual(none.summary, {
        dryRun: false,
        discovered: 0,
        inserted: 0,
        wouldInsert: 0,
        skipped: 0,
        failed: 0,
        skippedErased: 0,
      });
    });

    await t.step("two concurrent runs insert each session once", async () => {
      await truncateAll(db.sql);
      const c = await freshContainer();
      const ids = Array.from({ length: 60 }, id);
      await Promise.all(
        ids.map((s) => putBlob(c, `sessions/${s}/transcript.json`, { transcript: ["t", s] })),
      );
      const [one, two] = await Promise.all([
        run(c, db.sql, { concurrency: 4 }),
        run(c, db.sql, { concurrency: 8 }),
      ]);
      assert.equal(one.summary.failed + two.summary.failed, 0);
      assert.equal(one.summary.inserted + two.summary.inserted, 60);
      assert.equal(one.summary.skipped + two.summary.skipped, 60);
      const rows = await stored(db.sql);
      assert.deepEqual([rows.length, new Set(rows.map((r) => r.session_id)).size], [60, 60]);
      const inserted = [...one.lines, ...two.lines].filter((l) => l.includes(" inserted "));
      assert.deepEqual(
        inserted.map((l) => l.split(" ").at(-1)).sort(),
        [...ids].sort(),
        "every session is reported inserted by exactly one run",
      );
    });

    await t.step("transcripts without a learner wait unattached, then move to it", async () => {
      await truncateAll(db.sql);
      const c = await freshContainer();
      const [later, completed, captured, clash] = [id(), id(), id(), id()];
      const [u1, u2, u3, u4, u5] = [id(), id(), id(), id(), id()];
      for (const s of [later, completed, captured, clash]) {
        await putBlob(c, `sessions/${s}/transcript.json`, { session_id: s, transcript: [s] });
      }
      // The event store knows the learner of `captured` (no session.json needed) and of `clash`
      // (whose session.json names someone else: the event store wins).
      await captureEvents(db.sql, captured, eventsFor(u3), lowRule);
      await captureEvents(db.sql, clash, eventsFor(u5), lowRule);
      await putBlob(c, `sessions/${clash}/session.json`, { user_id: u4 });

      const first = await run(c, db.sql, { concurrency: 4 });
      assert.deepEqual([first.summary.inserted, first.summary.failed], [4, 0]);
      const parked = async () => (await db.sql<{ session_id: string; api_id: number }[]>`
          select session_id, api_id from analytics.unattached_transcripts order by session_id`);
      assert.deepEqual((await parked()).map((r) => r.session_id), [later, completed].sort());
      const apiIds = new Map((await parked()).map((r) => [r.session_id, r.api_id]));
      const [mine] = await db.sql`
        select user_id from analytics.session_transcripts where session_id = ${captured}`;
      assert.equal(mine.user_id, u3, "the session's learner from the event store");
      const [theirs] = await db.sql`
        select user_id from analytics.session_transcripts where session_id = ${clash}`;
      assert.equal(theirs.user_id, u5, "the event store's learner, not session.json's");

      // The learner of `later` becomes known to the backfill (session.json appears).
      await putBlob(c, `sessions/${later}/session.json`, { user_id: u1 });
      const dry = await run(c, db.sql, { dryRun: true });
      assert.ok(
        dry.lines.includes(
          `backfill_transcripts: skipped existing session ${later} (would attach to learner ${u1})`,
        ),
        dry.lines.join("\n"),
      );
      assert.equal((await parked()).length, 2, "a dry run moves nothing");
      const second = await run(c, db.sql);
      assert.ok(
        second.lines.includes(
          `backfill_transcripts: skipped existing session ${later} (attached to learner ${u1})`,
        ),
        second.lines.join("\n"),
      );
      assert.equal(second.summary.inserted, 0);
      // ... and the completion writer learns the learner of `completed`.
      const done = await completeSession(db.sql, completed, {
        user_id: u2,
        transcript: ["from the orchestrator"],
        scorecard: { bce_score: 70 },
      }, readinessConfig);
      assert.equal(
        done.transcript.created,
        false,
        "the stored transcript stays (first write wins)",
      );
      assert.equal(done.transcript.api_id, apiIds.get(completed), "api_id survives the move");

      assert.equal((await parked()).length, 0);
      const moved = await db.sql<
        { session_id: string; user_id: string; owner: string; api_id: number }[]
      >`
        select t.session_id, t.user_id, t.api_id, o.user_id as owner
        from analytics.session_transcripts t
        join analytics.session_owners o using (session_id)
        where t.session_id in (${later}, ${completed})
        order by t.session_id`;
      assert.deepEqual(
        moved.map((r) => [r.session_id, r.user_id, r.owner, r.api_id]),
        [[later, u1, u1, apiIds.get(later)], [completed, u2, u2, apiIds.get(completed)]].sort((
          a,
          b,
        ) => String(a[0]).localeCompare(String(b[0]))),
      );
      const third = await run(c, db.sql);
      assert.deepEqual([third.summary.inserted, third.summary.skipped], [0, 4]);
    });

    await t.step(
      "listing pages: a folder split across two pages keeps its session.json",
      async () => {
        await truncateAll(db.sql);
        const c = await freshContainer();
        const sessions = Array.from({ length: 7 }, id).sort();
        const users = new Map(sessions.map((s) => [s, id()]));
        for (const s of sessions) {
          await putBlob(c, `sessions/${s}/session.json`, { user_id: users.get(s) });
          await putBlob(c, `sessions/${s}/transcript.json`, { session_id: s, transcript: [s] });
        }
        // Pages of 3 names: session.json on one page, transcript.json on the next, for some folders.
        for (const concurrency of [1, 4]) {
          await truncateAll(db.sql);
          const { summary } = await run(c, db.sql, { concurrency, listPageSize: 3 });
          assert.deepEqual([summary.discovered, summary.inserted, summary.failed], [7, 7, 0]);
          const rows = await stored(db.sql);
          assert.deepEqual(rows.map((r) => [r.session_id, r.user_id]), [...users]);
        }
      },
    );

    await t.step("a document naming another session is looked up under that session", async () => {
      await truncateAll(db.sql);
      const c = await freshContainer();
      const [folder1, named1, folder2, named2, user, writer] = [id(), id(), id(), id(), id(), id()];
      // named1 is stored already (by the completion writer); named2 is new, its learner in its
      // own folder's session.json (not in the folder of the document that names it).
      await db.sql`insert into analytics.session_owners (session_id, user_id)
                   values (${named1}, ${writer})`;
      await db.sql`insert into analytics.session_transcripts (user_id, session_id, transcript_lines)
                   values (${writer}, ${named1}, '{"from the writer"}')`;
      await putBlob(c, `sessions/${folder1}/transcript.json`, {
        session_id: named1,
        transcript: [],
      });
      await putBlob(c, `sessions/${folder2}/transcript.json`, {
        session_id: named2,
        transcript: [],
      });
      await putBlob(c, `sessions/${folder2}/session.json`, { user_id: id() });
      await putBlob(c, `sessions/${named2}/session.json`, { user_id: user });
      const { summary, lines } = await run(c, db.sql, { concurrency: 4 });
      assert.deepEqual([summary.inserted, summary.skipped, summary.failed], [1, 1, 0]);
      assert.deepEqual(
        lines.sort(),
        [
          `backfill_transcripts: inserted session ${named2}`,
          `backfill_transcripts: skipped existing session ${named1}`,
        ].sort(),
      );
      const rows = await stored(db.sql);
      assert.deepEqual(
        rows.map((r) => [r.session_id, r.user_id]),
        [[named1, writer], [named2, user]].sort((a, b) => a[0].localeCompare(b[0])),
      );
    });

    await t.step("a blob the database refuses fails alone; its batch is stored", async () => {
      await truncateAll(db.sql);
      const c = await freshContainer();
      const good = Array.from({ length: 12 }, id);
      const bad = id();
      for (const s of good) {
        await putBlob(c, `sessions/${s}/transcript.json`, { session_id: s, transcript: [s] });
      }
      // Valid JSON, but Postgres stores no NUL character in text or jsonb.
      await putBlob(c, `sessions/${bad}/transcript.json`, {
        session_id: bad,
        transcript: ["nul \u0000 inside"],
      });
      const { summary, errors } = await run(c, db.sql, { concurrency: 16 });
      assert.deepEqual([summary.inserted, summary.failed], [12, 1]);
      assert.equal(errors.length, 1);
      assert.match(errors[0], new RegExp(`^backfill_transcripts: failed session ${bad}: .+`));
      assert.deepEqual((await stored(db.sql)).map((r) => r.session_id), [...good].sort());
      const again = await run(c, db.sql, { concurrency: 16 });
      assert.deepEqual([again.summary.inserted, again.summary.skipped, again.summary.failed], [
        0,
        12,
        1,
      ]);
    });

    await t.step(
      "a session stored by the completion writer is skipped, not overwritten",
      async () => {
        await truncateAll(db.sql);
        const c = await freshContainer();
        const s = id();
        const user = id();
        // As the completion writer does: the session is claimed for the learner.
        await db
          .sql`insert into analytics.session_owners (session_id, user_id) values (${s}, ${user})`;
        await db
          .sql`insert into analytics.session_transcripts (user_id, session_id, transcript_lines)
                   values (${user}, ${s}, '{"from the writer"}')`;
        await putBlob(c, `sessions/${s}/transcript.json`, { transcript: ["from the blob"] });
        const { summary } = await run(c, db.sql);
        assert.equal(summary.skipped, 1);
        const [row] = await db.sql`
        select user_id, transcript_lines from analytics.session_transcripts where session_id = ${s}`;
        assert.deepEqual([row.user_id, row.transcript_lines], [user, ["from the writer"]]);
      },
    );

    await t.step(
      "after an erase the learner's blobs are skipped and counted, until lifted",
      async () => {
        await truncateAll(db.sql);
        const c = await freshContainer();
        const [learner, other] = [id(), id()];
        const [answered, named, late, others] = [id(), id(), id(), id()];
        // A session the learner answered in (no session.json: the owner says whose it is), one
        // whose session.json names them, and another learner's.
        await captureEvents(db.sql, answered, eventsFor(learner), lowRule);
        await putBlob(c, `sessions/${answered}/transcript.json`, { transcript: ["answered"] });
        await putBlob(c, `sessions/${named}/session.json`, { user_id: learner });
        await putBlob(c, `sessions/${named}/transcript.json`, { transcript: ["named"] });
        await putBlob(c, `sessions/${others}/session.json`, { user_id: other });
        await putBlob(c, `sessions/${others}/transcript.json`, { transcript: ["others"] });
        assert.equal((await run(c, db.sql)).summary.inserted, 3);

        await eraseLearner(db.sql, learner, { role: "admin", sub: id() });
        // A blob that no run has seen yet, naming the erased learner.
        await putBlob(c, `sessions/${late}/session.json`, { user_id: learner });
        await putBlob(c, `sessions/${late}/transcript.json`, { transcript: ["late"] });
        // A dry run reports what the run will do: the same three skipped, nothing to insert.
        const dry = await run(c, db.sql, { dryRun: true });
        assert.deepEqual(
          [dry.summary.wouldInsert, dry.summary.skipped, dry.summary.skippedErased],
          [0, 1, 3],
        );
        const after = await run(c, db.sql);
        assert.deepEqual(
          [after.summary.inserted, after.summary.skipped, after.summary.skippedErased],
          [0, 1, 3],
        );
        for (const s of [answered, named, late]) {
          assert.ok(
            after.lines.includes(`backfill_transcripts: skipped erased learner session ${s}`),
            after.lines.join("\n"),
          );
        }
        assert.equal(
          summaryLine("backfill_transcripts", after.summary),
          "backfill_transcripts: summary discovered=4 inserted=0 skipped=1 failed=0 skipped_erased=3",
        );
        // Nothing of theirs came back, attached or parked.
        assert.deepEqual((await stored(db.sql)).map((r) => r.session_id), [others]);
        const [{ n }] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from analytics.session_owners where user_id = ${learner}`;
        assert.equal(n, 0);

        // Lifted (the learner came back with consent): their blobs are accepted again.
        assert.equal(await liftTombstone(db.sql, learner), true);
        const lifted = await run(c, db.sql);
        assert.deepEqual([lifted.summary.inserted, lifted.summary.skippedErased], [3, 0]);
      },
    );
  } finally {
    await Promise.all([azurite.stop(), db.close()]);
  }
});
