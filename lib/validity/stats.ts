/**
 * Statistics of the validity report, pure and exact (no rounding here): Wilson intervals, the AUC
 * with DeLong's variance (and the paired difference of two AUCs), a logistic fit by Newton–Raphson,
 * the Brier score and a reliability table. Definitions: docs/validity.md.
 */

/** z of a two-sided 95 % normal interval (Φ⁻¹(0.975)). */
export const Z95 = 1.959963984540054;

/** A closed interval [low, high]. */
export type Interval = [number, number];

/** Wilson score interval (95 %) of k successes in n trials; null for n = 0. */
export function wilson(k: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Clamped: at k = 0 or k = n the bound is 0 or 1 up to floating-point error.
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * DeLong's structural components of the AUC of `positives` against `negatives` (higher scores
 * should mean positive): ψ(x, y) = 1 when x > y, ½ when equal, 0 otherwise; V10[i] is the mean of
 * ψ(positive i, every negative), V01[j] the mean of ψ(every positive, negative j). The AUC is the
 * mean of either. Computed by sorting (O(N log N)), not over every pair.
 */
export interface AucComponents {
  auc: number;
  v10: number[];
  v01: number[];
}

/** How many of the sorted `values` are below `x`, and how many equal it (binary search). */
function countBelowAndEqual(sorted: readonly number[], x: number): [number, number] {
  const bound = (strict: boolean) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? sorted[mid] < x : sorted[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const below = bound(true);
  return [below, bound(false) - below];
}

/** The AUC and its DeLong components; null when either class is empty. */
export function aucComponents(
  positives: readonly number[],
  negatives: readonly number[],
): AucComponents | null {
  const m = positives.length;
  const n = negatives.length;
  if (m === 0 || n === 0) return null;
  const neg = [...negatives].sort((a, b) => a - b);
  const pos = [...positives].sort((a, b) => a - b);
  const v10 = positives.map((x) => {
    const [below, equal] = countBelowAndEqual(neg, x);
    return (below + equal / 2) / n;
  });
  const v01 = negatives.map((y) => {
    const [below, equal] = countBelowAndEqual(pos, y);
    // Positives above y, plus half the ties.
    return (m - below - equal + equal / 2) / m;
  });
  const auc = v10.reduce((a, b) => a + b, 0) / m;
  return { auc, v10, v01 };
}

/** Sample covariance (divisor k − 1) of two equally long lists; NaN for fewer than two. */
function covariance(a: readonly number[], b: readonly number[]): number {
  const k = a.length;
  if (k < 2) return NaN;
  const ma = a.reduce((s, x) => s + x, 0) / k;
  const mb = b.reduce((s, x) => s + x, 0) / k;
  let s = 0;
  for (let i = 0; i < k; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (k - 1);
}

/** DeLong variance of an AUC: S10 / m + S01 / n; NaN when either class has fewer than two. */
export function delongVariance(c: AucComponents): number {
  return covariance(c.v10, c.v10) / c.v10.length + covariance(c.v01, c.v01) / c.v01.length;
}

export interface AucFigures {
  value: number;
  /** AUC ± z·√(DeLong variance), clamped to [0, 1]; null when either class has fewer than two. */
  ci95: Interval | null;
  variance: number | null;
}

/** The AUC of `positives` over `negatives` with its 95 % DeLong interval; null when a class is empty. */
export function auc(positives: readonly number[], negatives: readonly number[]): AucFigures | null {
  const c = aucComponents(positives, negatives);
  if (!c) return null;
  const variance = delongVariance(c);
  if (!Number.isFinite(variance)) return { value: c.auc, ci95: null, variance: null };
  const half = Z95 * Math.sqrt(variance);
  return {
    value: c.auc,
    ci95: [Math.max(0, c.auc - half), Math.min(1, c.auc + half)],
    variance,
  };
}

/**
 * The paired difference B − A of two AUCs of the same outcomes (two readiness scores of each
 * learner-outcome), with DeLong's variance of the difference:
 * (S10ᴬᴬ + S10ᴮᴮ − 2·S10ᴬᴮ) / m + (S01ᴬᴬ + S01ᴮᴮ − 2·S01ᴬᴮ) / n. `a` and `b` must list the
 * positives and negatives in the same order.
 */
export function pairedAucDifference(
  a: AucComponents,
  b: AucComponents,
): { value: number; variance: number | null; ci95: Interval | null } {
  if (a.v10.length !== b.v10.length || a.v01.length !== b.v01.length) {
    throw new RangeError("the two AUCs must be of the same outcomes");
  }
  const value = b.auc - a.auc;
  const variance = (covariance(a.v10, a.v10) + covariance(b.v10, b.v10) -
        2 * covariance(a.v10, b.v10)) / a.v10.length +
    (covariance(a.v01, a.v01) + covariance(b.v01, b.v01) - 2 * covariance(a.v01, b.v01)) /
      a.v01.length;
  if (!Number.isFinite(variance)) return { value, variance: null, ci95: null };
  const half = Z95 * Math.sqrt(Math.max(0, variance));
  return { value, variance: Math.max(0, variance), ci95: [value - half, value + half] };
}

/** The logistic function 1 / (1 + e^−t). */
export function logistic(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

export interface LogisticFit {
  intercept: number;
  slope: number;
  iterations: number;
}

/** Log-likelihood of (b0, b1) on the data. */
function logLikelihood(x: readonly number[], y: readonly number[], b0: number, b1: number) {
  let ll = 0;
  for (let i = 0; i < x.length; i++) {
    const t = b0 + b1 * x[i];
    // log p = −log(1 + e^−t), log(1 − p) = −log(1 + e^t), written to avoid overflow.
    const log1pExp = (
      u: number,
    ) => (u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u)));
    ll -= y[i] ? log1pExp(-t) : log1pExp(t);
  }
  return ll;
}

/**
 * Maximum-likelihood fit of P(y = 1) = logistic(intercept + slope · x) by Newton–Raphson (IRLS),
 * on x centred and scaled for a well-conditioned Hessian, with step halving when a step lowers the
 * likelihood by more than rounding. Null when the estimate does not exist: both classes are needed,
 * x must vary, and the classes must overlap (under complete or quasi-complete separation the slope
 * grows without bound and the iteration does not converge).
 */
export function logisticFit(x: readonly number[], y: readonly (0 | 1)[]): LogisticFit | null {
  const k = x.length;
  if (k !== y.length) throw new RangeError("x and y differ in length");
  const ones = y.reduce<number>((s, v) => s + v, 0);
  if (k === 0 || ones === 0 || ones === k) return null;
  const mx = x.reduce((s, v) => s + v, 0) / k;
  const sd = Math.sqrt(x.reduce((s, v) => s + (v - mx) ** 2, 0) / k);
  if (!(sd > 0)) return null;
  const z = x.map((v) => (v - mx) / sd);
  let b0 = 0;
  let b1 = 0;
  let ll = logLikelihood(z, y, b0, b1);
  for (let iteration = 1; iteration <= 100; iteration++) {
    let g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    for (let i = 0; i < k; i++) {
      const p = logistic(b0 + b1 * z[i]);
      const w = p * (1 - p);
      const r = y[i] - p;
      g0 += r;
      g1 += r * z[i];
      h00 += w;
      h01 += w * z[i];
      h11 += w * z[i] * z[i];
    }
    const det = h00 * h11 - h01 * h01;
    if (!(det > 0)) return null;
    let d0 = (h11 * g0 - h01 * g1) / det;
    let d1 = (h00 * g1 - h01 * g0) / det;
    let next = logLikelihood(z, y, b0 + d0, b1 + d1);
    // A drop within the rounding of a sum of k terms is no drop: halving on it near the optimum
    // only shrinks a good step (and costs a pass over the data each time).
    const noise = 1e-12 * Math.max(1, Math.abs(ll));
    for (let halvings = 0; next < ll - noise && halvings < 30; halvings++) {
      d0 /= 2;
      d1 /= 2;
      next = logLikelihood(z, y, b0 + d0, b1 + d1);
    }
    b0 += d0;
    b1 += d1;
    ll = next;
    if (Math.max(Math.abs(d0), Math.abs(d1)) < 1e-10) {
      // Separated classes drift with ever smaller steps on a nearly flat likelihood: not a fit.
      if (Math.abs(b1) > 30) return null;
      return { intercept: b0 - (b1 * mx) / sd, slope: b1 / sd, iterations: iteration };
    }
  }
  return null;
}

/** Brier score: the mean of (predicted − outcome)²; NaN for no values. */
export function brier(predicted: readonly number[], y: readonly (0 | 1)[]): number {
  if (predicted.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < predicted.length; i++) s += (predicted[i] - y[i]) ** 2;
  return s / predicted.length;
}

/** One row of the reliability table: the outcomes whose readiness is in [from, to). */
export interface ReliabilityRow {
  from: number;
  /** Exclusive, except the last row, which includes 100. */
  to: number;
  n: number;
  mean_readiness: number | null;
  mean_predicted: number | null;
  observed: number | null;
}

/**
 * Reliability table by readiness decile of the 0–100 scale: ten fixed rows [0, 10), [10, 20), …,
 * [90, 100] (the last includes 100), each with its count, mean readiness, mean predicted pass
 * probability and observed pass rate (null when empty).
 */
export function reliability(
  readiness: readonly number[],
  predicted: readonly number[],
  y: readonly (0 | 1)[],
): ReliabilityRow[] {
  const rows = Array.from({ length: 10 }, (_, d) => ({ d, n: 0, r: 0, p: 0, o: 0 }));
  for (let i = 0; i < readiness.length; i++) {
    const row = rows[Math.min(9, Math.max(0, Math.floor(readiness[i] / 10)))];
    row.n++;
    row.r += readiness[i];
    row.p += predicted[i];
    row.o += y[i];
  }
  return rows.map(({ d, n, r, p, o }) => ({
    from: d * 10,
    to: d * 10 + 10,
    n,
    mean_readiness: n ? r / n : null,
    mean_predicted: n ? p / n : null,
    observed: n ? o / n : null,
  }));
}
