// The legacy-artefact rule as a table: what placement decides from what was found and who is named.
import assert from "node:assert/strict";
import { type Found, placement } from "./place.ts";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

Deno.test("placement: refuse another learner's session, skip what is stored, attach or insert", () => {
  const cases: [Found, string | null, ReturnType<typeof placement>][] = [
    // The files name a learner the session does not belong to: refused, whatever is stored.
    [{ stored: null, owner: B }, A, { kind: "refuse" }],
    [{ stored: "learner", owner: B }, A, { kind: "refuse" }],
    // Stored for the learner already: skipped.
    [{ stored: "learner", owner: A }, A, { kind: "skip" }],
    [{ stored: "learner", owner: A }, null, { kind: "skip" }],
    // Parked unattached: attached once a learner is known (named or owner), else left as it is.
    [{ stored: "unattached", owner: null }, A, { kind: "attach", userId: A }],
    [{ stored: "unattached", owner: A }, null, { kind: "attach", userId: A }],
    [{ stored: "unattached", owner: null }, null, { kind: "skip" }],
    // Not stored: inserted for the named learner, else the owner, else parked unattached.
    [{ stored: null, owner: null }, A, { kind: "insert", userId: A }],
    [{ stored: null, owner: A }, A, { kind: "insert", userId: A }],
    [{ stored: null, owner: A }, null, { kind: "insert", userId: A }],
    [{ stored: null, owner: null }, null, { kind: "insert", userId: null }],
  ];
  for (const [found, named, want] of cases) {
    assert.deepEqual(placement(found, named), want, JSON.stringify({ found, named }));
  }
});
