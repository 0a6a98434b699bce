/**
 * Words and numbers of the validity page: rates and probabilities (0–1, answered to 4 places) as
 * percentages a person reads — whole, or one decimal where asked — with their 95 % intervals, and
 * the AUC in plain words. Each figure is rounded once, from its exact 4-place decimal.
 */

const MINUS = "\u2212";
const NBSP = "\u00a0";

/** A 4-place rate as whole basis points (exact: the rate is a decimal of 4 places). */
function basisPoints(rate: number): number {
  return Math.round(rate * 10_000);
}

/** Basis points as a percentage of `decimals` places, rounded half away from zero, no sign. */
function percentDigits(bp: number, decimals: 0 | 1): string {
  const abs = Math.abs(bp);
  if (decimals === 0) return String(Math.floor((abs + 50) / 100));
  const tenths = Math.floor((abs + 5) / 10);
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** A rate (0–1) as a percentage: "74 %", "74.3 %" with one decimal; "–" for null. */
export function percent(rate: number | null, decimals: 0 | 1 = 0): string {
  if (rate === null) return "\u2013";
  const bp = basisPoints(rate);
  const text = percentDigits(bp, decimals);
  return `${bp < 0 && /[1-9]/.test(text) ? MINUS : ""}${text}${NBSP}%`;
}

/** A 95 % interval of rates as "68–80 %" (never broken across lines); "–" for null. */
export function percentInterval(ci: [number, number] | null, decimals: 0 | 1 = 0): string {
  if (ci === null) return "\u2013";
  const [lo, hi] = ci.map((v) => percent(v, decimals).replace(`${NBSP}%`, ""));
  // Word joiners keep the range on one line.
  return `${lo}\u2060\u2013\u2060${hi}${NBSP}%`;
}

/** A difference of rates in percentage points, signed: "+2.1", "−0.4", "±0" (one decimal). */
export function pointsChange(diff: number): string {
  const bp = basisPoints(diff);
  if (bp === 0) return "\u00b10";
  const text = percentDigits(bp, 1);
  return `${bp > 0 ? "+" : MINUS}${text}`;
}

/** A score between 0 and 1 (the Brier score) to 2 places: "0.19"; "–" for null. */
export function twoDecimals(value: number | null): string {
  if (value === null) return "\u2013";
  const bp = basisPoints(value);
  const hundredths = Math.floor((Math.abs(bp) + 50) / 100);
  const text = `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`;
  return bp < 0 && hundredths > 0 ? `${MINUS}${text}` : text;
}

/**
 * The AUC in plain words: "A learner who passed had a higher readiness than one who failed 74 % of
 * the time (95 % interval 68–80 %)." — or why there is no AUC.
 */
export function aucSentence(
  auc: { value: number | null; ci95: [number, number] | null; passed: number; failed: number },
): string {
  if (auc.value === null) {
    return `The AUC needs at least one passed and one failed outcome (there ${
      auc.passed === 1 ? "is" : "are"
    } ${auc.passed} passed and ${auc.failed} failed).`;
  }
  const interval = auc.ci95
    ? ` (95${NBSP}% interval ${percentInterval(auc.ci95)})`
    : " (too few outcomes for an interval)";
  return `A learner who passed had a higher readiness than one who failed ${
    percent(auc.value)
  } of the time${interval}.`;
}

/** "1 outcome", "12 outcomes". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",")} ${n === 1 ? one : many}`;
}
