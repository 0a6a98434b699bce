/**
 * Words and numbers of the cohort page: counts and changes at the precision a person uses (whole
 * numbers on cards, one decimal only when a real difference needs it), table figures to 2 places.
 * Inputs are the API's figures, already rounded once to 2 places; these only shorten them.
 */

import { dayMonth, dayMonthYear } from "./time_axis.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUS = "\u2212";

/** A figure of at most 2 decimals as whole hundredths (exact: the figure is a decimal of 2 places). */
function hundredths(value: number): number {
  return Math.round(value * 100);
}

/** Hundredths rounded half away from zero to `decimals` (0 or 1) places, as text without sign. */
function roundedText(cents: number, decimals: 0 | 1): string {
  const abs = Math.abs(cents);
  if (decimals === 0) return String(Math.floor((abs + 50) / 100));
  const tenths = Math.floor((abs + 5) / 10);
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** Hundredths rounded to `decimals` places, signed with a true minus ("−3", "62.4"). */
function rounded(cents: number, decimals: 0 | 1): string {
  const text = roundedText(cents, decimals);
  return cents < 0 && /[1-9]/.test(text) ? `${MINUS}${text}` : text;
}

/** A count with thousands separators ("12,345"). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A change of a count: "+12", "−3", "±0". */
export function countChange(current: number, previous: number): string {
  const d = current - previous;
  if (d === 0) return "\u00b10";
  return `${d > 0 ? "+" : MINUS}${formatCount(Math.abs(d))}`;
}

/** "previous 28 days", "previous day", or "previous period" when the length is not whole days. */
export function previousPeriodName(fromMs: number, toMs: number): string {
  const days = (toMs - fromMs) / DAY_MS;
  if (days === 1) return "previous day";
  return Number.isInteger(days) ? `previous ${days} days` : "previous period";
}

/** A readiness (0–100) in whole points, as a person reads it ("52"). */
export function wholePoints(value: number): string {
  return rounded(hundredths(value), 0);
}

/**
 * Mean readiness on a card with its change: whole points, or one decimal when whole points would
 * hide a real difference from the previous period. `change` is null when either is unknown;
 * `same` when even one decimal shows no difference (or there is none).
 */
export function meanWithChange(
  current: number | null,
  previous: number | null,
): { value: string | null; change: string | null; same: boolean } {
  if (current === null) return { value: null, change: null, same: false };
  const c = hundredths(current);
  if (previous === null) return { value: rounded(c, 0), change: null, same: false };
  const diff = c - hundredths(previous);
  if (diff === 0) return { value: rounded(c, 0), change: "\u00b10", same: true };
  for (const decimals of [0, 1] as const) {
    if (/[1-9]/.test(roundedText(diff, decimals))) {
      return {
        value: rounded(c, decimals),
        change: `${diff > 0 ? "+" : MINUS}${roundedText(diff, decimals)}`,
        same: false,
      };
    }
  }
  return { value: rounded(c, 1), change: null, same: true };
}

/** A table figure to 2 places ("62.50", "−1.25"); "–" for null. */
export function twoPlaces(value: number | null): string {
  if (value === null) return "\u2013";
  const c = hundredths(value);
  const abs = Math.abs(c);
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
  return c < 0 ? `${MINUS}${text}` : text;
}

/** A signed table figure to 2 places ("+6.20", "−1.25", "±0.00"). */
export function signedTwoPlaces(value: number): string {
  const c = hundredths(value);
  if (c === 0) return "\u00b10.00";
  return c > 0 ? `+${twoPlaces(value)}` : twoPlaces(value);
}

/** The lift in words: "+6.20 (95 % CI 1.10 to 11.30, n = 14)", or why there is none. */
export function liftText(
  lift: { mean: number | null; n: number; ci95: [number, number] | null },
): string {
  if (lift.mean === null || lift.ci95 === null || lift.n < 2) {
    return `too few learners (n = ${lift.n})`;
  }
  const [lo, hi] = lift.ci95;
  return `${signedTwoPlaces(lift.mean)} (95\u00a0% CI ${twoPlaces(lo)} to ${
    twoPlaces(hi)
  }, n = ${lift.n})`;
}

/** "1 learner", "3 learners": a count with its noun, singular or plural. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "A", "A and B", "A, B and C". */
export function listInWords(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** An instant as staff read it: "3 Nov 2026" at midnight UTC, else "3 Nov 2026, 14:05 UTC". */
export function instantText(ms: number): string {
  const d = new Date(ms);
  const day = dayMonthYear(ms);
  if (ms % DAY_MS === 0) return day;
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${day}, ${hh}:${mm} UTC`;
}

/** A day of the period's year as "12 Nov", with the year when it differs ("12 Nov 2025"). */
export function dayInWords(ms: number, referenceMs: number): string {
  return new Date(ms).getUTCFullYear() === new Date(referenceMs).getUTCFullYear()
    ? dayMonth(ms)
    : dayMonthYear(ms);
}
