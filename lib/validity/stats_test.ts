/** The validity statistics against cases worked out by hand or by an independent method. */
import assert from "node:assert/strict";
import {
  auc,
  aucComponents,
  brier,
  delongVariance,
  logistic,
  logisticFit,
  pairedAucDifference,
  reliability,
  wilson,
  Z95,
} from "./stats.ts";
import { computeFigures, round, roundFigures } from "./report.ts";
import { readinessConfig } from "../../tests/static_config.ts";

const close = (actual: number, expected: number, tolerance: number, what = "") =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );
const r4 = (x: number) => round(x, 4);

Deno.test("Wilson 95 % intervals, checked by hand", () => {
  // 7/10: p = 0.7, z² = 3.841459, z²/n = 0.3841459.
  // centre = (0.7 + 0.1920729) / 1.3841459 = 0.644490;
  // half = (1.959964 / 1.3841459) · √(0.021 + 0.00960365) = 1.416012 · 0.174939 = 0.247716.
  // → [0.396774, 0.892206] → [0.3968, 0.8922].
  const [low, high] = wilson(7, 10)!;
  assert.deepEqual([r4(low), r4(high)], [0.3968, 0.8922]);
  // 0/5: the lower bound is 0; upper = (z²/n) / (1 + z²/n) = 0.768292 / 1.768292 = 0.434483.
  const zero = wilson(0, 5)!;
  assert.deepEqual([zero[0], r4(zero[1])], [0, 0.4345]);
  // 5/5 mirrors it.
  const all = wilson(5, 5)!;
  assert.deepEqual([r4(all[0]), all[1]], [0.5655, 1]);
  // 1/3: p = 1/3, z²/n = 1.280486; centre = (0.333333 + 0.640243) / 2.280486 = 0.426915;
  // half = (1.959964 / 2.280486) · √(0.0740741 + 0.1067072) = 0.859451 · 0.425184 = 0.365425.
  const third = wilson(1, 3)!;
  assert.deepEqual([r4(third[0]), r4(third[1])], [0.0615, 0.7923]);
  assert.equal(wilson(0, 0), null);
});

// The AUC case with ties used below (and by the report test):
//   passed  80, 70, 70, 60   (m = 4)
//   failed  70, 50, 40       (n = 3)
// ψ(passed, failed), rows passed, columns failed 70 50 40:
//   80: 1   1 1   → V10 = 3/3
//   70: ½   1 1   → V10 = 2.5/3
//   70: ½   1 1   → V10 = 2.5/3
//   60: 0   1 1   → V10 = 2/3
// AUC = (3 + 2.5 + 2.5 + 2) / 12 = 10/12 = 5/6.
// V01 (per failed, mean over the passed): 70: (1 + ½ + ½ + 0)/4 = 1/2; 50: 1; 40: 1.
// S10 = Σ(V10 − 5/6)² / (m − 1) = (1/36 + 0 + 0 + 1/36) / 3 = 1/54;
// S01 = Σ(V01 − 5/6)² / (n − 1) = (1/9 + 1/36 + 1/36) / 2 = 1/12;
// Var = S10/m + S01/n = 1/216 + 1/36 = 7/216 = 0.0324074; SE = 0.1800206;
// 95 %: 5/6 ± 1.959964 · 0.1800206 = 0.833333 ± 0.352834 → [0.480499, 1.186167] → [0.4805, 1].
const PASSED = [80, 70, 70, 60];
const FAILED = [70, 50, 40];

Deno.test("AUC with ties and its DeLong interval, worked by hand", () => {
  const c = aucComponents(PASSED, FAILED)!;
  close(c.auc, 5 / 6, 1e-15, "auc");
  assert.deepEqual(c.v10.map((v) => v * 6), [6, 5, 5, 4]);
  assert.deepEqual(c.v01.map((v) => v * 2), [1, 2, 2]);
  close(delongVariance(c), 7 / 216, 1e-15, "variance");
  const a = auc(PASSED, FAILED)!;
  close(a.ci95![0], 5 / 6 - Z95 * Math.sqrt(7 / 216), 1e-12, "low");
  assert.equal(a.ci95![1], 1, "clamped to 1");
  assert.equal(r4(a.ci95![0]), 0.4805);
  // Brute force over every pair agrees.
  let sum = 0;
  for (const x of PASSED) for (const y of FAILED) sum += x > y ? 1 : x === y ? 0.5 : 0;
  close(c.auc, sum / 12, 1e-15, "pairs");
  // Edge cases: a class empty → no AUC; a class of one → no interval; all tied → ½.
  assert.equal(auc([], [1]), null);
  assert.equal(auc([1, 2], [0])!.ci95, null);
  assert.equal(auc([5, 5], [5, 5])!.value, 0.5);
});

Deno.test("the paired AUC difference: zero for the same scores, DeLong's variance otherwise", () => {
  const a = aucComponents(PASSED, FAILED)!;
  const same = pairedAucDifference(a, aucComponents(PASSED, FAILED)!);
  assert.equal(same.value, 0);
  assert.equal(same.variance, 0);
  assert.deepEqual(same.ci95, [0, 0]);
  // B orders the outcomes independently of A: var(B − A) = var A + var B − 2 cov, cov by hand
  // from the components below (B: passed 1, 2, 3, 4; failed 3, 2, 1).
  const b = aucComponents([1, 2, 3, 4], [3, 2, 1])!;
  // V10ᴮ: 1: (0 + 0 + ½)/3 = 1/6; 2: (0 + ½ + 1)/3 = 1/2; 3: (½ + 1 + 1)/3 = 5/6; 4: 1.
  assert.deepEqual(b.v10.map((v) => Math.round(v * 6)), [1, 3, 5, 6]);
  const d = pairedAucDifference(a, b);
  close(d.value, b.auc - 5 / 6, 1e-15, "difference");
  // The covariances computed from the definition, directly:
  const cov = (u: number[], v: number[]) => {
    const mu = u.reduce((s, x) => s + x, 0) / u.length;
    const mv = v.reduce((s, x) => s + x, 0) / v.length;
    return u.reduce((s, x, i) => s + (x - mu) * (v[i] - mv), 0) / (u.length - 1);
  };
  const expected = (cov(a.v10, a.v10) + cov(b.v10, b.v10) - 2 * cov(a.v10, b.v10)) / 4 +
    (cov(a.v01, a.v01) + cov(b.v01, b.v01) - 2 * cov(a.v01, b.v01)) / 3;
  close(d.variance!, expected, 1e-15, "variance");
});

/**
 * The maximum-likelihood logistic fit found by a different method: nested bisection on the two
 * score equations. For a slope b, the intercept a(b) solving Σ (y − p) = 0 is found by bisection
 * (Σ p rises with a); then the profile score Σ x (y − p(a(b), b)) falls with b (the profile
 * log-likelihood is concave), so b is found by bisection too.
 */
function bisectionFit(x: number[], y: number[]): { a: number; b: number } {
  const bisect = (f: (t: number) => number, lo: number, hi: number) => {
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (f(mid) > 0) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const interceptFor = (b: number) =>
    bisect((a) => x.reduce((s, xi, i) => s + y[i] - logistic(a + b * xi), 0), -100, 100);
  const b = bisect(
    (b) => {
      const a = interceptFor(b);
      return x.reduce((s, xi, i) => s + xi * (y[i] - logistic(a + b * xi)), 0);
    },
    -5,
    5,
  );
  return { a: interceptFor(b), b };
}

Deno.test("logistic fit by Newton–Raphson agrees with nested bisection on the score equations", () => {
  const x = [10, 20, 30, 40, 50, 60, 70, 80, 35, 65];
  const y: (0 | 1)[] = [0, 0, 1, 0, 1, 0, 1, 1, 0, 1];
  const fit = logisticFit(x, y)!;
  const independent = bisectionFit(x, y);
  close(fit.intercept, independent.a, 1e-6, "intercept");
  close(fit.slope, independent.b, 1e-6, "slope");
  // The score equations hold at the fit.
  const p = x.map((v) => logistic(fit.intercept + fit.slope * v));
  close(y.reduce<number>((s, v, i) => s + v - p[i], 0), 0, 1e-9, "Σ (y − p)");
  close(x.reduce((s, v, i) => s + v * (y[i] - p[i]), 0), 0, 1e-7, "Σ x (y − p)");
  assert.ok(fit.slope > 0);
});

Deno.test("logistic fit: none without both classes, without spread, or under separation", () => {
  assert.equal(logisticFit([1, 2, 3], [1, 1, 1]), null);
  assert.equal(logisticFit([50, 50, 50, 50], [0, 1, 0, 1]), null);
  assert.equal(logisticFit([10, 20, 30, 40], [0, 0, 1, 1]), null, "complete separation");
  assert.equal(logisticFit([10, 20, 20, 30], [0, 0, 1, 1]), null, "quasi-complete separation");
  // With no relation at all the slope is 0 and the intercept the log-odds of the rate.
  const flat = logisticFit([10, 10, 20, 20], [0, 1, 0, 1])!;
  close(flat.slope, 0, 1e-12, "slope");
  close(flat.intercept, 0, 1e-12, "intercept");
});

Deno.test("Brier score and the reliability table", () => {
  // (0.8 − 1)² + (0.3 − 0)² + (0.5 − 1)² = 0.04 + 0.09 + 0.25 = 0.38; / 3 = 0.126667.
  close(brier([0.8, 0.3, 0.5], [1, 0, 1]), 0.38 / 3, 1e-15);
  const rows = reliability([5, 95, 100, 99.99, 10], [0.1, 0.9, 0.95, 0.85, 0.2], [0, 1, 1, 0, 1]);
  assert.equal(rows.length, 10);
  assert.deepEqual(rows[0], {
    from: 0,
    to: 10,
    n: 1,
    mean_readiness: 5,
    mean_predicted: 0.1,
    observed: 0,
  });
  assert.deepEqual(rows[1].n, 1); // 10 opens the second decile
  assert.deepEqual(rows[5], {
    from: 50,
    to: 60,
    n: 0,
    mean_readiness: null,
    mean_predicted: null,
    observed: null,
  });
  // 95, 100 (the last row includes 100) and 99.99.
  assert.equal(rows[9].n, 3);
  close(rows[9].mean_predicted!, 0.9, 1e-15);
  close(rows[9].observed!, 2 / 3, 1e-15);
});

Deno.test("figures of a judged list: bands, AUC, flags, rounding once", () => {
  const judged = [
    ...PASSED.map((r) => ({ readiness: r, passed: true })),
    ...FAILED.map((r) => ({ readiness: r, passed: false })),
  ].map((j) => ({ ...j, band: j.readiness >= 70 ? "Nearly Ready" : "Developing" }));
  const { figures } = computeFigures(judged, readinessConfig);
  const out = roundFigures(figures);
  assert.deepEqual(out.bands.map((b) => [b.band, b.outcomes, b.passed, b.pass_rate, b.ci95]), [
    ["Emerging", 0, 0, null, null],
    // 1 of 3 (60 passed; 50, 40 failed): Wilson by hand above.
    ["Developing", 3, 1, 0.3333, [0.0615, 0.7923]],
    // 3 of 4 (80, 70, 70 passed; 70 failed).
    ["Nearly Ready", 4, 3, 0.75, [r4(wilson(3, 4)![0]), r4(wilson(3, 4)![1])]],
    ["Strong", 0, 0, null, null],
  ]);
  assert.deepEqual(out.auc, {
    value: 0.8333,
    ci95: [0.4805, 1],
    method: "DeLong",
    passed: 4,
    failed: 3,
  });
  assert.equal(out.too_few_to_judge, true);
  // 4 of 7 passed: the base-rate Brier is (4/7)(3/7) = 12/49 = 0.244898.
  assert.equal(out.calibration.brier_base_rate, 0.2449);
  assert.ok(out.calibration.brier! < 0.2449, "the fit does better than the base rate");
  assert.ok(out.calibration.predicted["85"]! > out.calibration.predicted["40"]!);
});
