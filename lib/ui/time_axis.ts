/**
 * Pure helpers of the app's own charts: time-proportional positions, tick choice and dates that
 * format the same on the server and in the browser (no locale data involved).
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "12 Nov" (UTC). */
export function dayMonth(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/** "12 Nov 2026" (UTC). */
export function dayMonthYear(ms: number): string {
  return `${dayMonth(ms)} ${new Date(ms).getUTCFullYear()}`;
}

/** Position of `value` in `[min, max]` as a percentage (0–100); the middle for an empty domain. */
export function percentOf(value: number, [min, max]: [number, number]): number {
  return max === min ? 50 : ((value - min) / (max - min)) * 100;
}

export interface Tick {
  value: number;
  label: string;
}

const DAY_STEPS = [1, 2, 3, 7, 14, 28, 56, 91, 182, 364];

/**
 * Date ticks at whole UTC days, evenly spaced in time, at most `max` of them: the smallest step
 * of DAY_STEPS that fits. Labels stay short ("12 Nov") so they fit a phone screen.
 */
export function timeTicks([min, max]: [number, number], maxTicks = 5): Tick[] {
  const first = Math.ceil(min / DAY_MS) * DAY_MS;
  const span = (max - first) / DAY_MS;
  const step = DAY_STEPS.find((s) => Math.floor(span / s) + 1 <= maxTicks) ?? DAY_STEPS.at(-1)!;
  const ticks: Tick[] = [];
  for (let t = first; t <= max; t += step * DAY_MS) ticks.push({ value: t, label: dayMonth(t) });
  return ticks;
}

/** Whole-number ticks from 0 to `max` (days), at most `maxTicks`, with a unit suffix. */
export function numberTicks(max: number, maxTicks = 6, unit = " d"): Tick[] {
  const steps = [1, 2, 5, 7, 10, 14, 20, 28, 30, 50, 60, 90, 100, 180, 365];
  const step = steps.find((s) => Math.floor(max / s) + 1 <= maxTicks) ?? Math.ceil(max / maxTicks);
  const ticks: Tick[] = [];
  for (let v = 0; v <= max; v += step) ticks.push({ value: v, label: `${v}${unit}` });
  return ticks;
}

/** A time domain around `times` (ms), one day either side when there is only one moment. */
export function timeDomain(times: number[]): [number, number] {
  const min = Math.min(...times);
  const max = Math.max(...times);
  return min === max ? [min - DAY_MS, max + DAY_MS] : [min, max];
}
