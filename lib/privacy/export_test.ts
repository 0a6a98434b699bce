/** The export carries the learner's personal data, the display name included; erase removes it. */
import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/db.ts";
import { upsertProfile } from "../learners/profile.ts";
import { eraseLearner, exportLearner } from "./mod.ts";

Deno.test("export includes the display name; erase deletes the profile row", async () => {
  const db = await createTestDatabase();
  try {
    const userId = crypto.randomUUID();
    await upsertProfile(db.sql, userId, { display_name: "Grace Hopper", level: "senior" });
    const exported = await exportLearner(db.sql, userId);
    assert.equal(exported.learners.length, 1);
    assert.equal(exported.learners[0].display_name, "Grace Hopper");
    assert.equal((await eraseLearner(db.sql, userId)).learners, 1);
    const [{ n }] = await db.sql`
      select count(*)::int as n from analytics.learners where display_name = 'Grace Hopper'`;
    assert.equal(n, 0);
  } finally {
    await db.close();
  }
});
