import assert from "node:assert/strict";
import {
  countChange,
  dayInWords,
  formatCount,
  instantText,
  liftText,
  listInWords,
  meanWithChange,
  plural,
  previousPeriodName,
  signedTwoPlaces,
  twoPlaces,
  wholePoints,
} from "./cohort_format.ts";

Deno.test("counts and their changes: separators, true minus, ±0", () => {
  assert.equal(formatCount(12345), "12,345");
  assert.equal(formatCount(999), "999");
  assert.equal(countChange(20, 8), "+12");
  assert.equal(countChange(5, 1008), "\u22121,003");
  assert.equal(countChange(4, 4), "\u00b10");
});

Deno.test("the previous period is named by its length in days", () => {
  const day = 24 * 60 * 60 * 1000;
  assert.equal(previousPeriodName(0, 28 * day), "previous 28 days");
  assert.equal(previousPeriodName(0, day), "previous day");
  assert.equal(previousPeriodName(0, 1.5 * day), "previous period");
});

Deno.test("mean readiness: whole points, one decimal only when needed to show a difference", () => {
  assert.deepEqual(meanWithChange(62.5, 55.25), { value: "63", change: "+7", same: false });
  // Whole points would show "±0" for a real 0.2: one decimal shows it.
  assert.deepEqual(meanWithChange(62.6, 62.4), { value: "62.6", change: "+0.2", same: false });
  // A change that shows in whole points stays in whole points (−0.8 is about −1).
  assert.deepEqual(meanWithChange(61.6, 62.4), { value: "62", change: "\u22121", same: false });
  // Even one decimal shows no difference: the same, at one decimal.
  assert.deepEqual(meanWithChange(62.41, 62.44), { value: "62.4", change: null, same: true });
  assert.deepEqual(meanWithChange(70, 70), { value: "70", change: "\u00b10", same: true });
  assert.deepEqual(meanWithChange(70, null), { value: "70", change: null, same: false });
  assert.deepEqual(meanWithChange(null, 70), { value: null, change: null, same: false });
  // Half away from zero.
  assert.equal(wholePoints(52.5), "53");
  assert.equal(wholePoints(52.49), "52");
});

Deno.test("table figures keep 2 places; the lift with its interval or why not", () => {
  assert.equal(twoPlaces(62.5), "62.50");
  assert.equal(twoPlaces(-1.25), "\u22121.25");
  assert.equal(twoPlaces(0.07), "0.07");
  assert.equal(twoPlaces(null), "\u2013");
  assert.equal(signedTwoPlaces(6.2), "+6.20");
  assert.equal(signedTwoPlaces(0), "\u00b10.00");
  assert.equal(
    liftText({ mean: 6.2, n: 14, ci95: [1.1, 11.3] }),
    "+6.20 (95\u00a0% CI 1.10 to 11.30, n = 14)",
  );
  assert.equal(
    liftText({ mean: -2, n: 3, ci95: [-9.5, 5.5] }),
    "\u22122.00 (95\u00a0% CI \u22129.50 to 5.50, n = 3)",
  );
  assert.equal(liftText({ mean: 4, n: 1, ci95: null }), "too few learners (n = 1)");
  assert.equal(liftText({ mean: null, n: 0, ci95: null }), "too few learners (n = 0)");
});

Deno.test("plurals and lists in words", () => {
  assert.equal(plural(1, "learner"), "1 learner");
  assert.equal(plural(0, "learner"), "0 learners");
  assert.equal(plural(2, "day"), "2 days");
  assert.equal(listInWords(["A"]), "A");
  assert.equal(listInWords(["A", "B"]), "A and B");
  assert.equal(listInWords(["A", "B", "C"]), "A, B and C");
});

Deno.test("instants and days in words (UTC)", () => {
  assert.equal(instantText(Date.UTC(2026, 10, 3)), "3 Nov 2026");
  assert.equal(instantText(Date.UTC(2026, 10, 3, 14, 5, 30)), "3 Nov 2026, 14:05 UTC");
  assert.equal(dayInWords(Date.UTC(2026, 10, 12), Date.UTC(2026, 11, 1)), "12 Nov");
  assert.equal(dayInWords(Date.UTC(2025, 11, 30), Date.UTC(2026, 0, 5)), "30 Dec 2025");
});
