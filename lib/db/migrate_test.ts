import assert from "node:assert/strict";
import { migrateUp, migrationVersions, pendingMigrations, runDbmate } from "./migrate.ts";
import { createEmptyTestDatabase } from "../../tests/db.ts";

const TABLES = [
  "erased_learners",
  "interview_outcomes",
  "learner_activity",
  "learner_directory",
  "learner_latest",
  "learner_profile_counts",
  "learner_reads",
  "learner_skill_sessions",
  "learners",
  "readiness_pending",
  "readiness_progress",
  "readiness_reads",
  "readiness_runs",
  "scorecards",
  "session_events",
  "session_owners",
  "session_transcripts",
  "sessions",
  "unattached_scorecards",
  "unattached_transcripts",
  "used_sign_in_tokens",
  "user_readiness",
  "user_readiness_superseded",
  "user_skill_agg",
];

Deno.test("migrations go up, all the way down, and up again", async () => {
  const db = await createEmptyTestDatabase();
  try {
    const tables = async () =>
      (await db.sql<
        { t: string }[]
      >`select tablename as t from pg_tables where schemaname = 'analytics' order by 1`)
        .map((r) => r.t);
    const versions = await migrationVersions();
    assert.ok(versions.length >= 3);

    await migrateUp(db.url, { quiet: true });
    assert.deepEqual(await tables(), TABLES);
    assert.deepEqual(await pendingMigrations(db.sql), []);

    // Every table has a comment.
    const uncommented = await db.sql`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'analytics' and c.relkind = 'r' and obj_description(c.oid, 'pg_class') is null`;
    assert.deepEqual(uncommented.map((r) => r.relname), []);

    for (let i = 0; i < versions.length; i++) {
      await runDbmate(db.url, ["rollback"], { quiet: true });
    }
    assert.deepEqual(await tables(), []);
    const [{ schema }] = await db.sql`select to_regnamespace('analytics') as schema`;
    assert.equal(schema, null);
    assert.deepEqual(await pendingMigrations(db.sql), versions);

    await migrateUp(db.url, { quiet: true });
    assert.deepEqual(await tables(), TABLES);
    assert.deepEqual(await pendingMigrations(db.sql), []);
  } finally {
    await db.close();
  }
});

Deno.test("schema constraints: score range and unique answer × skill", async () => {
  const db = await createEmptyTestDatabase();
  try {
    await migrateUp(db.url, { quiet: true });
    const user = crypto.randomUUID();
    const session = crypto.randomUUID();
    await db.sql`insert into analytics.learners (user_id) values (${user})`;
    await db
      .sql`insert into analytics.sessions (session_id, user_id, scenario_id) values (${session}, ${user}, 's')`;
    const insert = (score: number) =>
      db.sql`insert into analytics.session_events (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score)
             values (${user}, ${session}, 'a1', now(), 's', 'lead', 'communication', ${score})`;
    await assert.rejects(() => insert(100.5), /check/);
    await insert(100);
    await assert.rejects(() => insert(50), /session_events_session_answer_skill_key/);
    // An event cannot point at a session of another learner.
    const other = crypto.randomUUID();
    await db.sql`insert into analytics.learners (user_id) values (${other})`;
    await assert.rejects(
      () =>
        db.sql`insert into analytics.session_events (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score)
               values (${other}, ${session}, 'a2', now(), 's', 'lead', 'communication', 1)`,
      /session_events_session_fkey/,
    );
  } finally {
    await db.close();
  }
});
