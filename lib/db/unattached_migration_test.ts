import assert from "node:assert/strict";
import { migrateUp, runDbmate } from "./migrate.ts";
import { createTestDatabase, type TestDatabase } from "../../tests/db.ts";

const UNATTACHED = "20261125000201";
const DISTRIBUTION = "20261125000200";

async function applied(db: TestDatabase): Promise<string[]> {
  return (await db.sql<{ v: string }[]>`select version as v from public.schema_migrations`)
    .map((r) => r.v);
}

/** Rolls back (newest first) until `version` is no longer applied. */
async function rollBackPast(db: TestDatabase, version: string): Promise<void> {
  while ((await applied(db)).includes(version)) {
    await runDbmate(db.url, ["rollback"], { quiet: true });
  }
}

async function tableExists(db: TestDatabase, name: string): Promise<boolean> {
  const [{ found }] = await db.sql<{ found: boolean }[]>`
    select to_regclass(${`analytics.${name}`}) is not null as found`;
  return found;
}

Deno.test("unattached migration: its down step keeps unattached rows, and up gives them back", async () => {
  const db = await createTestDatabase();
  const { sql } = db;
  try {
    const learner = crypto.randomUUID();
    const attachedSession = crypto.randomUUID();
    const plainSession = crypto.randomUUID();
    const scorecardSession = crypto.randomUUID();
    // A learner's transcript and scorecard: untouched by the round trip.
    await sql`insert into analytics.session_owners (session_id, user_id)
              values (${attachedSession}, ${learner})`;
    await sql`insert into analytics.session_transcripts (user_id, session_id, transcript_lines)
              values (${learner}, ${attachedSession}, ${["learner's own"]})`;
    await sql`insert into analytics.scorecards (user_id, session_id, ts, bce_score, scorecard_json)
              values (${learner}, ${attachedSession}, '2026-11-01T10:00:00Z', 61.5,
                      ${sql.json({ from: "learner" })})`;
    // Unattached: a transcript of an unknown session, a second copy of the learner's session
    // (the older schema keeps one transcript per session), and two scorecards.
    await sql`insert into analytics.unattached_transcripts
                (session_id, transcript_lines, transcript_json, created_at, updated_at)
              values (${plainSession}, ${["a", "b"]}, ${sql.json({ legacy: 1 })},
                      '2026-10-01T08:00:00Z', '2026-10-02T08:00:00Z'),
                     (${attachedSession}, ${["legacy copy"]}, null,
                      '2026-10-03T08:00:00Z', '2026-10-03T08:00:00Z')`;
    await sql`insert into analytics.unattached_scorecards
                (session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json, created_at)
              values (${scorecardSession}, '2026-10-05T09:00:00Z', 70.25, null, 12,
                      ${sql.json({ legacy: "scorecard" })}, '2026-10-06T09:00:00Z'),
                     (${plainSession}, '2026-10-07T09:00:00Z', null, null, null,
                      ${sql.json({})}, '2026-10-07T09:00:00Z')`;
    const transcripts = [
      ...await sql`select * from analytics.unattached_transcripts order by api_id`,
    ];
    const scorecards = [...await sql`select * from analytics.unattached_scorecards order by id`];
    const learnerTranscripts = [
      ...await sql`select * from analytics.session_transcripts order by id`,
    ];
    const learnerScorecards = [...await sql`select * from analytics.scorecards order by id`];

    await rollBackPast(db, UNATTACHED);
    assert.equal(await tableExists(db, "unattached_transcripts"), false);
    assert.equal(await tableExists(db, "unattached_scorecards"), false);
    // The transcript of the unknown session is back in the older shape: no learner, same ids.
    const restored = await sql`
      select id, api_id, session_id, transcript_lines, transcript_json, created_at, updated_at
      from analytics.session_transcripts where user_id is null`;
    assert.deepEqual([...restored], transcripts.filter((t) => t.session_id === plainSession));
    // What the older schema cannot hold is set aside, as it was.
    assert.deepEqual(
      [...await sql`select * from analytics.unattached_transcripts_set_aside`],
      transcripts.filter((t) => t.session_id === attachedSession),
    );
    assert.deepEqual(
      [...await sql`select * from analytics.unattached_scorecards_set_aside order by id`],
      scorecards,
    );
    assert.deepEqual(
      [...await sql`select * from analytics.session_transcripts where user_id is not null`],
      learnerTranscripts,
    );

    // Further down, the set-aside rows stay where they are.
    await rollBackPast(db, DISTRIBUTION);
    assert.equal(await tableExists(db, "session_owners"), false);
    assert.deepEqual(
      [...await sql`select * from analytics.unattached_scorecards_set_aside order by id`],
      scorecards,
    );
    assert.equal(
      (await sql`select 1 from analytics.unattached_transcripts_set_aside`).length,
      1,
    );

    // Up again: every row is back where it was, and the set-aside tables are gone.
    await migrateUp(db.url, { quiet: true });
    for (
      const [table, order, rows] of [
        ["unattached_transcripts", "api_id", transcripts],
        ["unattached_scorecards", "id", scorecards],
        ["session_transcripts", "id", learnerTranscripts],
        ["scorecards", "id", learnerScorecards],
      ] as const
    ) {
      assert.deepEqual(
        [...await sql.unsafe(`select * from analytics.${table} order by ${order}`)],
        rows,
        table,
      );
    }
    assert.equal(await tableExists(db, "unattached_transcripts_set_aside"), false);
    assert.equal(await tableExists(db, "unattached_scorecards_set_aside"), false);
    // The api_id sequence still hands out fresh ids after the round trip.
    const [{ api_id }] = await sql<{ api_id: number }[]>`
      insert into analytics.unattached_transcripts (session_id) values (${crypto.randomUUID()})
      returning api_id`;
    assert.ok(api_id > Math.max(...transcripts.map((t) => Number(t.api_id))));
  } finally {
    await db.close();
  }
});

Deno.test("unattached migration: with nothing unattached, the down step leaves exactly the older schema", async () => {
  const db = await createTestDatabase();
  try {
    await rollBackPast(db, UNATTACHED);
    assert.equal(await tableExists(db, "unattached_transcripts_set_aside"), false);
    assert.equal(await tableExists(db, "unattached_scorecards_set_aside"), false);
    await migrateUp(db.url, { quiet: true });
  } finally {
    await db.close();
  }
});

Deno.test("unattached migration: a full rollback drops set-aside rows with their tables", async () => {
  const db = await createTestDatabase();
  try {
    await db.sql`insert into analytics.unattached_scorecards (session_id, scorecard_json)
                 values (${crypto.randomUUID()}, ${db.sql.json({})})`;
    await rollBackPast(db, "20261123000001");
    const [{ schema }] = await db.sql`select to_regnamespace('analytics') as schema`;
    assert.equal(schema, null);
  } finally {
    await db.close();
  }
});
