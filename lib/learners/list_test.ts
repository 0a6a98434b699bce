import assert from "node:assert/strict";
import { recordSession } from "../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../tests/db.ts";
import { learnerLabel } from "./label.ts";
import { countLearnersWithAnswers, listLearners } from "./list.ts";

Deno.test("learner list: profiles with and without sessions; the count covers those with answers", async () => {
  const db = await createTestDatabase();
  const { sql } = db;
  try {
    assert.equal(await countLearnersWithAnswers(sql), 0);
    const active = crypto.randomUUID();
    const older = crypto.randomUUID();
    await recordSession(sql, older, 3, { communication: [60] });
    await recordSession(sql, active, 1, { communication: [70] });
    await recordSession(sql, active, 2, { structure: [50] });
    // A profile without sessions is listed (last) but has nothing to recompute.
    const profile = crypto.randomUUID();
    await sql`insert into analytics.learners (user_id, level, track) values (${profile}, 'senior', 'backend')`;

    assert.equal(await countLearnersWithAnswers(sql), 2);
    const listed = await listLearners(sql);
    assert.deepEqual(listed.map((l) => [l.user_id, l.sessions]), [
      [active, 2],
      [older, 1],
      [profile, 0],
    ]);
    assert.equal(listed[2].last_active, null);
    assert.deepEqual((await listLearners(sql, 1)).map((l) => l.user_id), [active]);
    assert.equal(learnerLabel(listed[2]), `Senior backend learner ${profile.slice(0, 4)}`);
    // A display name comes first.
    await sql`update analytics.learners set display_name = 'Ada Lovelace' where user_id = ${profile}`;
    assert.equal(learnerLabel((await listLearners(sql)).at(-1)!), "Ada Lovelace");
  } finally {
    await db.close();
  }
});
