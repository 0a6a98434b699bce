import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/db.ts";
import { claimSessions, sessionOwner, sessionOwners } from "./owners.ts";

const id = () => crypto.randomUUID();

Deno.test("a session belongs to the first learner who claims it, also under concurrency", async () => {
  const db = await createTestDatabase();
  try {
    const [s1, s2, u1, u2] = [id(), id(), id(), id()];
    const first = await claimSessions(db.sql, [{ session_id: s1, user_id: u1 }]);
    assert.equal(first.get(s1), u1);
    const second = await claimSessions(db.sql, [
      { session_id: s1, user_id: u2 },
      { session_id: s2.toUpperCase(), user_id: u2 },
    ]);
    assert.deepEqual([second.get(s1), second.get(s2)], [u1, u2]);
    assert.equal(await sessionOwner(db.sql, s2), u2);
    assert.equal(await sessionOwner(db.sql, id()), null);
    assert.equal((await sessionOwners(db.sql, [s1, s2, id()])).size, 2);

    // Ten learners race for one session in separate transactions: one wins, all agree who.
    const contested = id();
    const learners: string[] = Array.from({ length: 10 }, id);
    const seen = await Promise.all(
      learners.map((u) =>
        db.sql.begin(async (tx) =>
          (await claimSessions(tx, [{ session_id: contested, user_id: u }])).get(contested)
        )
      ),
    );
    assert.equal(new Set(seen).size, 1);
    assert.ok(learners.includes(seen[0]!));
    const [{ n }] = await db.sql`
      select count(*)::int as n from analytics.session_owners where session_id = ${contested}`;
    assert.equal(n, 1);
  } finally {
    await db.close();
  }
});
