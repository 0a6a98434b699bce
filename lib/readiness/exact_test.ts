import assert from "node:assert/strict";
import { Exact, round2 } from "./exact.ts";

Deno.test("Exact: decimals are read exactly and rounded once, half away from zero", () => {
  assert.equal(Exact.of("69.995").toFixed(2), "70.00");
  assert.equal(Exact.of(69.995).toFixed(2), "70.00");
  assert.equal(Exact.of("69.994999999").toFixed(2), "69.99");
  assert.equal(Exact.of("-2.675").toFixed(2), "-2.68");
  assert.equal(Exact.of("-0.004").toFixed(2), "0.00");
  assert.equal(Exact.of(0.1).plus(0.2).toString(), "0.3");
  assert.equal(Exact.ratio(1, 3).toString(4), "0.3333");
  assert.equal(Exact.ratio("419.97", 6).toString(), "69.995");
  assert.equal(Exact.of("1e-3").toString(), "0.001");
  assert.equal(Exact.of("12").toString(), "12");
  assert.equal(round2(1.005), 1.01);
  assert.equal(round2("59.996666"), 60);
  assert.throws(() => Exact.of("abc"), RangeError);
  assert.throws(() => Exact.of(Number.NaN), RangeError);
  assert.throws(() => Exact.of(1).div(0), RangeError);
});

Deno.test("Exact: comparisons are exact", () => {
  // 0.3 · (100 − 68.33) = 9.501 and 0.2 · (100 − 52.51) = 9.498: 0.003 apart, not a tie.
  const a = Exact.of(0.3).times(Exact.of(100).minus(68.33));
  const b = Exact.of(0.2).times(Exact.of(100).minus(52.51));
  assert.equal(a.toString(), "9.501");
  assert.equal(b.toString(), "9.498");
  assert.equal(a.cmp(b), 1);
  assert.ok(Exact.ratio("179.99", 3).lt(60)); // 59.9966…
  assert.ok(Exact.of(60).gte("60.000"));
});
