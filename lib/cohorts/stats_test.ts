import assert from "node:assert/strict";
import { logGamma, mean, regularizedBeta, sampleSd, tCritical, tInterval95 } from "./stats.ts";

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

Deno.test("mean and sample sd", () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.ok(Number.isNaN(mean([])));
  // Deviations −1.5, −0.5, 0.5, 1.5: squares sum to 5, / 3.
  close(sampleSd([1, 2, 3, 4]), Math.sqrt(5 / 3), 1e-15, "sd");
  assert.ok(Number.isNaN(sampleSd([7])));
});

Deno.test("log gamma and the incomplete beta against closed forms", () => {
  close(logGamma(1), 0, 1e-14, "lnΓ(1)");
  close(logGamma(5), Math.log(24), 1e-13, "lnΓ(5)");
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14, "lnΓ(1/2)");
  // I_x(1, 1) = x; I_x(a, 1) = x^a.
  close(regularizedBeta(0.3, 1, 1), 0.3, 1e-14, "I(1,1)");
  close(regularizedBeta(0.6, 3, 1), 0.216, 1e-14, "I(3,1)");
});

Deno.test("t critical values (97.5 % quantile) against the published table", () => {
  for (
    const [df, t] of [
      [1, 12.706],
      [2, 4.303],
      [3, 3.182],
      [5, 2.571],
      [10, 2.228],
      [20, 2.086],
      [30, 2.042],
      [120, 1.98],
    ] as const
  ) {
    close(tCritical(df), t, 0.0005, `df ${df}`);
  }
  // Closed forms: df 1 is tan(0.475 π); df 2 is √(2 / (4 · 0.975 · 0.025) − 2).
  close(tCritical(1), Math.tan(0.475 * Math.PI), 1e-9, "df 1 exact");
  close(tCritical(2), Math.sqrt(2 / (4 * 0.975 * 0.025) - 2), 1e-9, "df 2 exact");
  // Towards the normal: 1.959964 as df grows.
  close(tCritical(1e7), 1.959964, 1e-5, "df → ∞");
  assert.ok(tCritical(1000) > tCritical(1e6));
  assert.throws(() => tCritical(0), RangeError);
});

Deno.test("t-interval: mean ± t · sd / √n, null below two values", () => {
  // 4 values 1, 2, 3, 4: mean 2.5, sd √(5/3), t(0.975, 3) = 3.182446.
  const [lo, hi] = tInterval95(2.5, Math.sqrt(5 / 3), 4)!;
  close(lo, 2.5 - 3.182446305 * Math.sqrt(5 / 3) / 2, 1e-8, "lo");
  close(hi, 2.5 + 3.182446305 * Math.sqrt(5 / 3) / 2, 1e-8, "hi");
  assert.equal(tInterval95(3, 0, 1), null);
});
