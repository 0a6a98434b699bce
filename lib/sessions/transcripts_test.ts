import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/db.ts";
import { getTranscript, insertTranscript, insertTranscripts } from "./transcripts.ts";

const id = () => crypto.randomUUID();

Deno.test("transcripts: one or many, first write wins, api_id of each insert", async () => {
  const db = await createTestDatabase();
  const { sql } = db;
  try {
    const [user, s1, s2, s3] = [id(), id(), id(), id()];
    // Single: the new api_id, whatever the case of the id; null once present.
    const a1 = await insertTranscript(sql, {
      sessionId: s1.toUpperCase(),
      userId: user,
      lines: ["one", "two"],
      json: { lines: ["one", "two"] },
    });
    const stored = await getTranscript(sql, user, s1);
    assert.ok(a1 !== null);
    assert.deepEqual(
      [stored!.api_id, stored!.transcript_lines, stored!.transcript_json],
      [a1, ["one", "two"], { lines: ["one", "two"] }],
    );
    assert.equal(
      await insertTranscript(sql, { sessionId: s1, userId: user, lines: ["x"], json: null }),
      null,
    );
    // Batch: learners' and unattached together; the present one is left as it is.
    const inserted = await insertTranscripts(sql, [
      { sessionId: s1, userId: user, lines: ["again"], json: null },
      { sessionId: s2, userId: user, lines: [], json: "plain" },
      { sessionId: s3, userId: null, lines: ["parked"], json: null },
    ]);
    assert.deepEqual([...inserted.keys()].sort(), [s2, s3].sort());
    assert.equal((await getTranscript(sql, user, s2))!.api_id, inserted.get(s2));
    assert.deepEqual((await getTranscript(sql, user, s2))!.transcript_lines, []);
    const parked = await getTranscript(sql, null, s3);
    assert.deepEqual([parked!.api_id, parked!.transcript_json], [inserted.get(s3), null]);
    assert.deepEqual((await getTranscript(sql, user, s1))!.transcript_lines, ["one", "two"]);
    assert.equal((await insertTranscripts(sql, [])).size, 0);
  } finally {
    await db.close();
  }
});
