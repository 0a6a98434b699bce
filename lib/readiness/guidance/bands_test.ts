import assert from "node:assert/strict";
import { nextBand } from "./bands.ts";
import { readinessConfig as config } from "../../../tests/static_config.ts";

Deno.test("points to the next band, exactly; none in the top band", () => {
  assert.deepEqual(nextBand(63.63, config), { label: "Nearly Ready", min: 70, points: 6.37 });
  // 69.99 is still Developing: 0.01 points to go, not a float like 0.010000000000005116.
  assert.deepEqual(nextBand(69.99, config), { label: "Nearly Ready", min: 70, points: 0.01 });
  // On a threshold: that band is reached, the next one is the target.
  assert.deepEqual(nextBand(70, config), { label: "Strong", min: 85, points: 15 });
  assert.equal(nextBand(85, config), null);
  assert.equal(nextBand(null, config), null);
});
