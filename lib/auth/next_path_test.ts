import assert from "node:assert/strict";
import { GOOD_NEXT, HOSTILE_NEXT } from "../../tests/next_paths.ts";
import { safeNextPath } from "./next_path.ts";

Deno.test("next: hostile forms are refused", () => {
  assert.ok(HOSTILE_NEXT.length >= 30);
  for (const next of HOSTILE_NEXT) {
    assert.equal(safeNextPath(next), null, JSON.stringify(next));
  }
  assert.equal(safeNextPath(undefined), null);
  assert.equal(safeNextPath(null), null);
});

Deno.test("next: local paths come through, normalised", () => {
  for (const [next, expected] of GOOD_NEXT) {
    assert.equal(safeNextPath(next), expected, JSON.stringify(next));
  }
});

Deno.test("next: whatever comes through is a path on this site", () => {
  // Every printable ASCII pair after `/`, with and without percent-encoding.
  const chars = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
  for (const a of chars) {
    for (const b of chars) {
      for (const next of [`/${a}${b}x`, `/${encodeURIComponent(a)}${b}x`, `/.${a}${b}x`]) {
        const out = safeNextPath(next);
        if (out === null) continue;
        assert.equal(out[0], "/", next);
        assert.ok(out[1] !== "/" && out[1] !== "\\", `${next} → ${out}`);
        assert.equal(new URL(out, "https://pulse.example").origin, "https://pulse.example", next);
      }
    }
  }
});
