import assert from "node:assert/strict";
import { createTestDatabase, truncateAll } from "../../tests/db.ts";
import type { Sql } from "../db/mod.ts";
import { importHistoryDir, type ImportOptions } from "./import.ts";
import { memoryLog, summaryLine } from "./run_log.ts";
import { eraseLearner, liftTombstone } from "../privacy/mod.ts";
import { catalog, lowRule } from "../../tests/static_config.ts";

const id = () => crypto.randomUUID();

/** Writes a legacy layout: `files` maps a relative path to JSON (or raw text). */
async function layout(files: Record<string, unknown>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "pulse_legacy_" });
  for (const [path, body] of Object.entries(files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, typeof body === "string" ? body : JSON.stringify(body));
  }
  return dir;
}

async function run(sql: Sql, dir: string, options: ImportOptions = { catalog, lowRule }) {
  const log = memoryLog();
  const summary = await importHistoryDir(sql, dir, options, log.sink);
  return { summary, lines: log.info, errors: log.errors };
}

Deno.test("legacy JSON import", async (t) => {
  const db = await createTestDatabase();
  const dirs: string[] = [];
  const make = async (files: Record<string, unknown>) => {
    const dir = await layout(files);
    dirs.push(dir);
    return dir;
  };
  try {
    await t.step("scorecards: shapes, learner from session.json, failures", async () => {
      await truncateAll(db.sql);
      const [flat, nested, viaMeta, noUser, badJson, outOfRange] = [
        id(),
        id(),
        id(),
        id(),
        id(),
        id(),
      ];
      const [u1, u2] = [id(), id()];
      const dir = await make({
        [`sessions/${flat}/scorecard.json`]: {
          user_id: u1,
          completed_at: "2025-03-01T10:00:00Z",
          bce_score: 71.5,
          mcf_score: 60,
          comments: "ok",
        },
        [`sessions/${nested}/scorecard.json`]: {
          user_id: u1,
          session_id: nested,
          scores: { bce: "80", mcf_score: 55.5, cpo: null },
        },
        [`sessions/${viaMeta}/scorecard.json`]: { cpo_score: 90 },
        [`sessions/${viaMeta}/session.json`]: { user_id: u2 },
        [`sessions/${viaMeta}/transcript.json`]: { transcript: ["not imported here"] },
        [`sessions/${noUser}/scorecard.json`]: { bce_score: 50 },
        [`sessions/${noUser}/session.json`]: { user_id: "someone" },
        [`sessions/${badJson}/scorecard.json`]: "{",
        [`sessions/${outOfRange}/scorecard.json`]: { user_id: u1, bce_score: 140 },
        [`sessions/not-a-uuid/scorecard.json`]: { user_id: u1 },
        [`sessions/${id()}/session.json`]: { user_id: u1 },
      });
      const { summary, lines, errors } = await run(db.sql, dir);
      assert.deepEqual(
        [summary.discovered, summary.inserted, summary.skipped, summary.failed],
        [7, 4, 0, 3],
      );
      assert.deepEqual(
        lines.sort(),
        [
          ...[flat, nested, viaMeta].map((s) => `import_history: inserted scorecard ${s}`),
          `import_history: inserted scorecard ${noUser} (learner unknown)`,
        ].sort(),
      );
      const reasons = Object.fromEntries(errors.map((l) => {
        const m = /^import_history: failed scorecard (\S+): (.+)$/.exec(l)!;
        return [m[1], m[2]];
      }));
      assert.match(reasons[badJson], /invalid JSON in .+scorecard\.json/);
      assert.match(reasons[outOfRange], /^bce_score: /);
      assert.equal(reasons["not-a-uuid"], "session id 'not-a-uuid' is not a UUID");

      const rows = Object.fromEntries(
        (await db
          .sql`select session_id, user_id, ts, bce_score, mcf_score, cpo_score, scorecard_json
                      from analytics.scorecards`).map((r) => [r.session_id, r]),
      );
      assert.deepEqual(
        [
          rows[flat].user_id,
          rows[flat].ts.toISOString(),
          rows[flat].bce_score,
          rows[flat].mcf_score,
        ],
        [u1, "2025-03-01T10:00:00.000Z", 71.5, 60],
      );
      assert.equal(rows[flat].scorecard_json.comments, "ok");
      assert.deepEqual(
        [rows[nested].bce_score, rows[nested].mcf_score, rows[nested].cpo_score],
        [80, 55.5, null],
      );
      assert.deepEqual([rows[viaMeta].user_id, rows[viaMeta].cpo_score], [u2, 90]);
      const [{ n }] = await db.sql`select count(*)::int as n from analytics.session_transcripts`;
      assert.equal(n, 0, "transcripts are the backfill's job");

      // Without a learner the scorecard waits unattached, and moves once the learner is known.
      const [parked] = await db.sql`
        select id, bce_score from analytics.unattached_scorecards where session_id = ${noUser}`;
      assert.equal(parked.bce_score, 50);
      const again = await run(db.sql, dir);
      assert.ok(again.lines.includes(`import_history: skipped existing scorecard ${noUser}`));
      const u3 = id();
      await Deno.writeTextFile(
        `${dir}/sessions/${noUser}/session.json`,
        JSON.stringify({ user_id: u3 }),
      );
      const dry = await run(db.sql, dir, { catalog, lowRule, dryRun: true });
      assert.ok(dry.lines.includes(
        `import_history: skipped existing scorecard ${noUser} (attached to learner ${u3})`,
      ));
      const attach = await run(db.sql, dir);
      assert.equal(attach.summary.inserted, 0);
      assert.ok(attach.lines.includes(
        `import_history: skipped existing scorecard ${noUser} (attached to learner ${u3})`,
      ));
      const [moved] = await db.sql`
        select s.id, s.user_id, o.user_id as owner
        from analytics.scorecards s join analytics.session_owners o using (session_id)
        where s.session_id = ${noUser}`;
      assert.deepEqual([moved.id, moved.user_id, moved.owner], [parked.id, u3, u3]);
      const [{ left }] = await db.sql`
        select count(*)::int as left from analytics.unattached_scorecards`;
      assert.equal(left, 0);
    });

    await t.step("histories: shapes, sessions created, whole file or nothing", async (st) => {
      await truncateAll(db.sql);
      const [u1, u2, u3, u4, stranger] = [id(), id(), id(), id(), id()];
      const [s1, s2, s3, s4, owned] = [id(), id(), id(), id(), id()];
      await db.sql`insert into analytics.learners (user_id) values (${stranger})`;
      await db.sql`insert into analytics.sessions (session_id, user_id, scenario_id)
                   values (${owned}, ${stranger}, 's')`;
      await db.sql`insert into analytics.session_owners (session_id, user_id)
                   values (${owned}, ${stranger})`;
      const dir = await make({
        // a bare list in the API's shape, with labels in any case as the API accepts them
        [`users/history_${u1}.json`]: [
          {
            session_id: s1,
            answer_id: "q1",
            ts: "2025-01-05T09:00:00Z",
            scenario_id: "backend-1",
            pulse_step: "Lead",
            scores: { Communication: 70, "system design": "65.5" },
            raw_metrics: { filler_words: 2 },
          },
          {
            session_id: s2,
            answer_id: 2,
            ts: "2025-01-06T09:00:00+01:00",
            scores: { structure: 80 },
          },
        ],
        // one row per skill, no answer ids: keyed by time
        [`users/history_${u2}.json`]: {
          user_id: u2,
          answers: [
            { session_id: s3, ts: "2025-02-01T10:00:00Z", skill_tag: "communication", score: 60 },
            { session_id: s3, ts: "2025-02-01T10:00:00Z", skill_tag: "Probing", score: 40 },
            { session_id: s3, ts: "2025-02-01T10:05:00Z", skill_tag: "probe", score: 50 },
            { session_id: s3, ts: "2025-02-01T10:05:00Z", skill_tag: "probe", score: 50 },
          ],
        },
        // `history` key, two bad entries: the whole file fails, writes nothing, names both
        [`users/history_${u3}.json`]: {
          history: [
            { session_id: s4, ts: "2025-02-01T10:00:00Z", scores: { communication: 60 } },
            { session_id: s4, ts: "2025-02-01T10:01:00Z", scores: { charisma: 60 } },
            {
              session_id: s4,
              answer_id: "a3",
              ts: "2025-02-01T10:02:00Z",
              pulse_step: "dance",
              scores: { communication: 60 },
            },
            {
              session_id: s4,
              answer_id: "a4",
              ts: "2025-02-01T10:03:00Z",
              scores: { Communication: 60, communication: 61 },
            },
          ],
        },
        // a session of another learner: refused, nothing written
        [`users/history_${u4}.json`]: [
          { session_id: id(), ts: "2025-02-01T10:00:00Z", scores: { communication: 60 } },
          { session_id: owned, ts: "2025-02-01T10:00:00Z", scores: { communication: 60 } },
        ],
        [`users/history_${id()}.json`]: [
          { user_id: id(), session_id: id(), ts: "2025-02-01T10:00:00Z", scores: { probe: 1 } },
        ],
        [`users/history_bob.json`]: [],
        [`users/history_${id()}.json.bak`]: [],
        [`users/notes.json`]: {},
      });
      const { summary, lines, errors } = await run(db.sql, dir);
      assert.deepEqual(
        [
          summary.discovered,
          summary.inserted,
          summary.skipped,
          summary.failed,
          summary.eventsInserted,
        ],
        [6, 2, 0, 4, 6],
      );
      // The learners whose readiness history the run changed (and the CLI rebuilds).
      assert.deepEqual([...summary.learnersWithNewAnswers].sort(), [u1, u2].sort());
      assert.deepEqual(
        lines.sort(),
        [
          `import_history: inserted history ${u1} (3 new events, 0 already present)`,
          `import_history: inserted history ${u2} (3 new events, 0 already present)`,
        ].sort(),
      );
      const failed = errors.join("\n");
      assert.match(
        failed,
        new RegExp(
          `failed history ${u3}: 3 errors: answer 1 scores\\.charisma: unknown skill tag 'charisma'.*; ` +
            `answer 2 \\(answer_id "a3"\\) pulse_step: unknown pulse step 'dance'.*; ` +
            `answer 3 \\(answer_id "a4"\\) scores\\.communication: 'communication' and 'Communication' both name skill 'communication'`,
        ),
      );
      assert.match(
        failed,
        new RegExp(`failed history ${u4}: session ${owned} belongs to another learner`),
      );
      assert.match(failed, /does not match the file name/);
      assert.match(failed, /failed history bob: user id 'bob' in the file name is not a UUID/);

      const events = await db.sql`
        select user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score, raw_metrics
        from analytics.session_events order by user_id, session_id, answer_id, skill_tag`;
      const of = (u: string) => events.filter((e) => e.user_id === u);
      assert.deepEqual(
        of(u1).map((
          e,
        ) => [e.session_id, e.answer_id, e.skill_tag, e.score, e.pulse_step, e.scenario_id]),
        [
          [s1, "q1", "communication", 70, "lead", "backend-1"],
          [s1, "q1", "system_design", 65.5, "lead", "backend-1"],
          [s2, "2", "structure", 80, "unknown", "legacy"],
        ].sort((a, b) => (a[0] as string).localeCompare(b[0] as string)),
      );
      assert.deepEqual(of(u1).find((e) => e.answer_id === "q1")!.raw_metrics, { filler_words: 2 });
      assert.deepEqual(
        of(u2).map((e) => [e.answer_id, e.skill_tag, e.score]),
        [
          ["legacy:2025-02-01T10:00:00.000Z", "communication", 60],
          ["legacy:2025-02-01T10:00:00.000Z", "probe", 40],
          ["legacy:2025-02-01T10:05:00.000Z", "probe", 50],
        ],
      );
      assert.deepEqual(of(u3), []);
      assert.deepEqual(of(u4), []);
      const sessions = await db.sql`
        select session_id, user_id, scenario_id, started_at from analytics.sessions
        where user_id in (${u1}, ${u2}, ${u3}, ${u4}) order by started_at`;
      assert.deepEqual(sessions.map((s) => [s.session_id, s.user_id, s.started_at.toISOString()]), [
        [s1, u1, "2025-01-05T09:00:00.000Z"],
        [s2, u1, "2025-01-06T08:00:00.000Z"],
        [s3, u2, "2025-02-01T10:00:00.000Z"],
      ]);

      await st.step("dry run and second run: nothing new", async () => {
        const dry = await run(db.sql, dir, { catalog, lowRule, dryRun: true });
        assert.deepEqual(
          dry.lines.sort(),
          [
            `import_history: skipped existing history ${u1} (3 events already present)`,
            `import_history: skipped existing history ${u2} (3 events already present)`,
          ].sort(),
        );
        const again = await run(db.sql, dir);
        assert.deepEqual(
          [
            again.summary.inserted,
            again.summary.skipped,
            again.summary.failed,
            again.summary.eventsInserted,
          ],
          [0, 2, 4, 0],
        );
        assert.deepEqual(again.summary.learnersWithNewAnswers, []);
        const [{ n }] = await db.sql`select count(*)::int as n from analytics.session_events`;
        assert.equal(n, 6);
      });
    });

    await t.step("dry run writes nothing and says what it would insert", async () => {
      await truncateAll(db.sql);
      const [u, s, card] = [id(), id(), id()];
      const dir = await make({
        [`sessions/${card}/scorecard.json`]: { user_id: u, bce_score: 1 },
        [`users/history_${u}.json`]: [
          {
            session_id: s,
            answer_id: "a",
            ts: "2025-01-01T00:00:00Z",
            scores: { probe: 10, structure: 20 },
          },
        ],
      });
      const { summary, lines } = await run(db.sql, dir, { catalog, lowRule, dryRun: true });
      assert.deepEqual(lines, [
        `import_history: would insert scorecard ${card}`,
        `import_history: would insert history ${u} (2 new events, 0 already present)`,
      ]);
      assert.equal(
        summaryLine("import_history", summary, { events_would_insert: summary.eventsInserted }),
        "import_history: summary (dry run, nothing written) discovered=2 inserted=0 skipped=0 failed=0 skipped_erased=0 would_insert=2 events_would_insert=2",
      );
      const [counts] = await db.sql`
        select (select count(*)::int from analytics.scorecards) as cards,
               (select count(*)::int from analytics.session_events) as events,
               (select count(*)::int from analytics.sessions) as sessions,
               (select count(*)::int from analytics.learners) as learners`;
      assert.deepEqual(counts, { cards: 0, events: 0, sessions: 0, learners: 0 });
    });

    await t.step("an erased learner's files are skipped and counted, until lifted", async () => {
      await truncateAll(db.sql);
      const [u, s, card] = [id(), id(), id()];
      const history = [{
        session_id: s,
        answer_id: "a",
        ts: "2025-01-01T00:00:00Z",
        scores: { probe: 10, structure: 20 },
      }];
      const first = await make({ [`users/history_${u}.json`]: history });
      assert.equal((await run(db.sql, first)).summary.inserted, 1);
      await eraseLearner(db.sql, u, { role: "admin", sub: id() });
      const dir = await make({
        // Names the learner; and one that does not, of a session they had.
        [`sessions/${card}/scorecard.json`]: { user_id: u, bce_score: 1 },
        [`sessions/${s}/scorecard.json`]: { bce_score: 2 },
        [`users/history_${u}.json`]: history,
      });
      // A dry run reports what the run will do: the same three skipped, nothing to insert.
      const dry = await run(db.sql, dir, { catalog, lowRule, dryRun: true });
      assert.deepEqual(
        [dry.summary.skippedErased, dry.summary.wouldInsert, dry.summary.eventsInserted],
        [3, 0, 0],
      );
      const { summary, lines } = await run(db.sql, dir);
      assert.deepEqual(lines, [
        `import_history: skipped erased learner scorecard ${[card, s].sort()[0]}`,
        `import_history: skipped erased learner scorecard ${[card, s].sort()[1]}`,
        `import_history: skipped erased learner history ${u}`,
      ]);
      assert.equal(
        summaryLine("import_history", summary, { events_inserted: summary.eventsInserted }),
        "import_history: summary discovered=3 inserted=0 skipped=0 failed=0 skipped_erased=3 events_inserted=0",
      );
      const [counts] = await db.sql`
        select (select count(*)::int from analytics.scorecards) as cards,
               (select count(*)::int from analytics.unattached_scorecards) as parked,
               (select count(*)::int from analytics.session_events) as events,
               (select count(*)::int from analytics.learners) as learners`;
      assert.deepEqual(counts, { cards: 0, parked: 0, events: 0, learners: 0 });

      assert.equal(await liftTombstone(db.sql, u), true);
      const lifted = await run(db.sql, dir);
      assert.deepEqual([lifted.summary.inserted, lifted.summary.skippedErased], [3, 0]);
    });

    await t.step("an empty layout is a warning, not a failure", async () => {
      const empty = await make({});
      const result = await run(db.sql, empty);
      assert.deepEqual([result.summary.discovered, result.summary.failed], [0, 0]);
      assert.match(result.errors.join("\n"), /warning: nothing to import in /);
    });
  } finally {
    await db.close();
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
});
