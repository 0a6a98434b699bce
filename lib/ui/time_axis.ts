/**
 * Pure helpers of the app's own charts: time-proportional positions, tick choice and dates that
 * format the same on the server and in the browser (numeric Intl parts in the reader's time zone,
 * month names of our own).
 */
import { dayMonth, longDate, startOfDay } from "./format.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** "12 Nov" in `timeZone` (UTC by default). */
export { dayMonth };

/** "12 Nov 2026" in `timeZone` (UTC by default). */
export function dayMonthYear(ms: number, timeZone = "UTC"): string {
  return longDate(ms, timeZone);
}

/** Position of `value` in `[min, max]` as a percentage (0–100); the middle for an empty domain. */
export function percentOf(value: number, [min, max]: [number, number]): number {
  return max === min ? 50 : ((value - min) / (max - min)) * 100;
}

export interface Tick {
  value: number;
  label: string;
  /** Left out on narrow charts (the CSS hides it), so labels never run together. */
  minor?: boolean;
}

const DAY_STEPS = [1, 2, 3, 7, 14, 28, 56, 91, 182, 364];

/**
 * Date ticks at the reader's midnights, evenly spaced in days: the smallest step of DAY_STEPS
 * that gives at most `maxTicks` (12 weeks: weekly). Every k-th tick is kept on narrow charts so at
 * most `narrowTicks` remain there; the others are `minor`. Labels stay short ("12 Nov").
 */
export function timeTicks(
  [min, max]: [number, number],
  timeZone = "UTC",
  maxTicks = 14,
  narrowTicks = 3,
): Tick[] {
  let first = startOfDay(min, timeZone);
  if (first < min) first = startOfDay(first + DAY_MS + 12 * 3_600_000, timeZone);
  const span = (max - first) / DAY_MS;
  const step = DAY_STEPS.find((s) => Math.floor(span / s) + 1 <= maxTicks) ?? DAY_STEPS.at(-1)!;
  const times: number[] = [];
  // The next tick is the midnight of the day `step` days on (whole calendar days across clock
  // changes).
  for (let t = first; t <= max; t = startOfDay(t + step * DAY_MS + 12 * 3_600_000, timeZone)) {
    times.push(t);
  }
  const k = Math.ceil(times.length / narrowTicks);
  return times.map((t, i) => ({ value: t, label: dayMonth(t, timeZone), minor: i % k !== 0 }));
}

/** Whole-number ticks from 0 to `max` (days), at most `maxTicks`, with a unit suffix. */
export function numberTicks(max: number, maxTicks = 6, unit = " d"): Tick[] {
  const steps = [1, 2, 5, 7, 10, 14, 20, 28, 30, 50, 60, 90, 100, 180, 365];
  const step = steps.find((s) => Math.floor(max / s) + 1 <= maxTicks) ?? Math.ceil(max / maxTicks);
  const ticks: Tick[] = [];
  for (let v = 0; v <= max; v += step) ticks.push({ value: v, label: `${v}${unit}` });
  return ticks;
}

/**
 * A time domain that ends at the data: [first, last]; a single moment gets the week before it
 * (never a day after the data).
 */
export function timeDomain(times: number[]): [number, number] {
  const min = Math.min(...times);
  const max = Math.max(...times);
  return min === max ? [max - 7 * DAY_MS, max] : [min, max];
}
