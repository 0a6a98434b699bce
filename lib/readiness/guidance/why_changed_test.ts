import assert from "node:assert/strict";
import { snap } from "./snapshot_fixture.ts";
import { whyChanged } from "./why_changed.ts";
import { readinessConfig as config } from "../../../tests/static_config.ts";

Deno.test("why it changed: the delta split by component, adding up exactly", () => {
  // Before: communication 70, technical 60, structure 50, behavioral 40 (weights .3 .3 .2 .2)
  // overall 21 + 18 + 10 + 8 = 57. After: communication 75, technical 60, structure 45,
  // behavioral 52.5 → 22.5 + 18 + 9 + 10.5 = 60. Parts: +1.5, 0, −1, +2.5 → +3.
  const before = snap(0, 57, { communication: 70, technical: 60, structure: 50, behavioral: 40 });
  const after = snap(3, 60, {
    communication: 75,
    technical: 60,
    structure: 45,
    behavioral: 52.5,
  });
  const why = whyChanged(after, before, config)!;
  assert.deepEqual(
    why.parts.map((p) => [p.component, p.contribution]),
    [["technical", 0], ["communication", 1.5], ["structure", -1], ["behavioral", 2.5]],
  );
  assert.equal(why.delta, 3);
  assert.equal(why.rounding, 0);
  assert.equal(
    why.text,
    "Your score went up 3 points since 1 Oct 2026: behavioral +2.5, communication +1.5, structure \u22121.",
  );
});

Deno.test("why it changed: a new component renormalises the weights; rounding is reported", () => {
  // Before: communication 85, technical 70 only → weights .5/.5 → 77.5.
  // After: + structure 40 → weights .375/.375/.25 → 31.875 + 26.25 + 10 = 68.125 → 68.13.
  // Parts: communication .375·85 − .5·85 = −10.625 → −10.63; technical .375·70 − .5·70 = −8.75;
  // structure +10. Sum −9.38, delta 68.13 − 77.5 = −9.37: rounding +0.01.
  const before = snap(0, 77.5, { communication: 85, technical: 70 });
  const after = snap(1, 68.13, { communication: 85, technical: 70, structure: 40 });
  const why = whyChanged(after, before, config)!;
  assert.deepEqual(
    why.parts.map((p) => p.contribution),
    [-8.75, -10.63, 10, 0],
  );
  assert.equal(why.delta, -9.37);
  assert.equal(why.rounding, 0.01);
  assert.match(why.text, /^Your score went down 9.4 points/);
});

Deno.test("why it changed: nothing to compare before two scored snapshots", () => {
  assert.equal(whyChanged(snap(1, 60, { communication: 60 }), null, config), null);
  assert.equal(whyChanged(snap(1, 60, { communication: 60 }), snap(0, null), config), null);
});
