import assert from "node:assert/strict";
import { daysBefore, recordSession } from "../../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { sessionScores } from "./series.ts";

Deno.test("sessionScores: one point per session and skill within the window", async () => {
  const db = await createTestDatabase();
  try {
    const now = new Date();
    const user = crypto.randomUUID();
    const s20 = await recordSession(db.sql, user, 20, { communication: [50] }, now);
    const s10 = await recordSession(db.sql, user, 10, { communication: [60, 70] }, now);
    const s3 = await recordSession(db.sql, user, 3, { communication: [80], structure: [40] }, now);
    const at = (days: number) => daysBefore(days, now).toISOString();

    assert.deepEqual(
      await sessionScores(db.sql, user, { kind: "sessions", size: 2 }, {
        skillTag: "communication",
      }),
      [
        { skill_tag: "communication", session_id: s10, ts: at(10), score: 65, answers: 2 },
        { skill_tag: "communication", session_id: s3, ts: at(3), score: 80, answers: 1 },
      ],
    );
    assert.deepEqual(
      (await sessionScores(db.sql, user, { kind: "days", size: 14 }))
        .map((p) => [p.skill_tag, p.session_id, p.score]),
      [["communication", s10, 65], ["communication", s3, 80], ["structure", s3, 40]],
    );
    assert.deepEqual(
      (await sessionScores(db.sql, user, { kind: "sessions", size: 10 }))
        .map((p) => [p.skill_tag, p.session_id]),
      [["communication", s20], ["communication", s10], ["communication", s3], ["structure", s3]],
    );
    assert.deepEqual(
      await sessionScores(db.sql, crypto.randomUUID(), { kind: "sessions", size: 5 }),
      [],
    );
  } finally {
    await db.close();
  }
});
