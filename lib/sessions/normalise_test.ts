import assert from "node:assert/strict";
import {
  documentSessionId,
  documentUserId,
  isUuid,
  transcriptLines,
  transcriptOf,
} from "./normalise.ts";

Deno.test("transcriptLines follows the backfill spec", () => {
  assert.deepEqual(transcriptLines([" a ", "", "  ", "b"]), ["a", "b"]);
  assert.deepEqual(transcriptLines([1, true, null, undefined, { t: "x" }, ["y"]]), [
    "1",
    "true",
    '{"t":"x"}',
    '["y"]',
  ]);
  assert.deepEqual(transcriptLines("  one\ntwo  "), ["one\ntwo"]);
  assert.deepEqual(transcriptLines("   "), []);
  assert.deepEqual(transcriptLines(undefined), []);
  assert.deepEqual(transcriptLines({ lines: ["a"] }), []);
  assert.deepEqual(transcriptLines(42), []);
});

Deno.test("transcriptOf, documentSessionId, documentUserId", () => {
  assert.deepEqual(transcriptOf({ transcript: ["a"] }), ["a"]);
  assert.deepEqual(transcriptOf(["a"]), ["a"]);
  assert.equal(transcriptOf("a"), "a");
  assert.equal(transcriptOf(null), undefined);
  assert.equal(transcriptOf(3), undefined);

  const id = crypto.randomUUID();
  assert.equal(documentSessionId({ session_id: ` ${id} ` }), id);
  assert.equal(documentSessionId({ session_id: "" }), null);
  assert.equal(documentSessionId({ session_id: "  " }), null);
  assert.equal(documentSessionId({ session_id: null }), null);
  assert.equal(documentSessionId({ session_id: 12 }), "12");
  assert.equal(documentSessionId(["x"]), null);

  assert.equal(documentUserId({ user_id: id.toUpperCase() }), id);
  assert.equal(documentUserId({ user_id: "u-1" }), null);
  assert.equal(documentUserId({ user_id: 5 }), null);
  assert.equal(documentUserId("x"), null);

  assert.ok(isUuid(id) && isUuid(id.toUpperCase()));
  assert.ok(!isUuid(`${id}x`) && !isUuid(""));
});
