import assert from "node:assert/strict";
import { signedPoints } from "./text.ts";

Deno.test("signed points: plus, true minus sign, ±0; the value as computed", () => {
  assert.equal(signedPoints(2.4), "+2.4");
  assert.equal(signedPoints(0.01), "+0.01");
  assert.equal(signedPoints(-0.35), "\u22120.35");
  assert.equal(signedPoints(-3.45), "\u22123.45");
  assert.equal(signedPoints(0), "\u00b10");
  assert.equal(signedPoints(-0), "\u00b10");
});
