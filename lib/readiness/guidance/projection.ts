/**
 * When the next band is reached at the learner's pace, measured from now: a least-squares line
 * through the recent scored snapshots and an 80 % inverse-prediction (calibration) interval for the
 * time it reaches the threshold, shown only when the history supports it and practice has not
 * stopped. A statistical estimate (floats), except the horizon rule, which is decided exactly.
 */
import type { ReadinessConfig } from "../config.ts";
import { round2 } from "../exact.ts";
import type { Snapshot } from "../snapshot.ts";
import { count, LEARNER_READER, longDate, type Reader, voiceOf } from "../text.ts";
import { nextBand } from "./bands.ts";
import type { Rubrics } from "./rubrics.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Coverage of the interval around the projected date. */
export const INTERVAL_LEVEL = 0.8;

export interface ProjectionRule {
  min_snapshots: number;
  min_days: number;
  lookback_days: number;
  max_horizon_days: number;
  stale_days: number;
  description: string;
}

export interface Projection {
  rule: ProjectionRule;
  shown: boolean;
  /** Why it is not shown, and what is missing (null when shown). */
  reason: string | null;
  target: number | null;
  target_band: string | null;
  snapshots_used: number;
  days_covered: number;
  /** Least-squares slope, points per week (2 decimals); null with fewer than 2 points. */
  points_per_week: number | null;
  /** Projected dates (ISO day, UTC), never before today: the fitted line's crossing and its range. */
  date: string | null;
  earliest: string | null;
  /** null: the range has no end within the horizon (the trend may be flat). */
  latest: string | null;
  text: string | null;
}

/** The projection rule in words (README and the API say the same). */
export function projectionRule(r: Rubrics): ProjectionRule {
  const p = r.projection;
  return {
    ...p,
    description: `measured from now: shown when at least ${p.min_snapshots} snapshots with ` +
      `sufficient evidence from the last ${p.lookback_days} days span at least ${p.min_days} ` +
      `days, the latest is at most ${p.stale_days} days old, the least-squares slope of overall ` +
      `over time is positive, and the fitted line reaches the next band at most ` +
      `${p.max_horizon_days} days from now; the range is the ${INTERVAL_LEVEL * 100} % ` +
      `inverse-prediction interval of that time`,
  };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Student t quantiles for a two-sided 80 % interval (upper 0.90 point), by degrees of freedom. */
const T80: [number, number][] = [
  [1, 3.078],
  [2, 1.886],
  [3, 1.638],
  [4, 1.533],
  [5, 1.476],
  [6, 1.440],
  [7, 1.415],
  [8, 1.397],
  [9, 1.383],
  [10, 1.372],
  [12, 1.356],
  [15, 1.341],
  [20, 1.325],
  [25, 1.316],
  [30, 1.310],
  [40, 1.303],
  [60, 1.296],
  [120, 1.289],
];

/** t₀.₉₀ with `df` degrees of freedom; between table rows the smaller df (a wider interval). */
export function tQuantile80(df: number): number {
  let t = T80[0][1];
  for (const [d, v] of T80) if (d <= df) t = v;
  return df > 120 ? 1.282 : t;
}

export interface Calibration {
  /** Where the fitted line reaches the target (x units). */
  point: number;
  /** The interval's ends; null: no end on that side (the slope is not clearly positive). */
  lo: number | null;
  hi: number | null;
  slope: number;
}

/**
 * Inverse prediction: the x where the least-squares line of y on x reaches `target`, and the set
 * of x whose prediction interval for a new y contains `target`:
 * (target − ŷ(x))² ≤ k²(1 + 1/n + (x − x̄)²/Sxx), k = t·s, s² = RSS/(n − 2). With
 * u = x − x̄, D = target − ȳ, A = b² − k²/Sxx > 0 the ends are
 * u = (bD ± k√(D²/Sxx + A(1 + 1/n))) / A. Needs n ≥ 3 and a spread of x.
 */
export function calibrationInterval(x: number[], y: number[], target: number): Calibration {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  const sxx = x.reduce((a, v) => a + (v - mx) ** 2, 0);
  const sxy = x.reduce((a, v, i) => a + (v - mx) * (y[i] - my), 0);
  const b = sxy / sxx;
  const rss = x.reduce((a, v, i) => a + (y[i] - my - b * (v - mx)) ** 2, 0);
  const k = tQuantile80(n - 2) * Math.sqrt(rss / (n - 2));
  const d = target - my;
  const point = mx + d / b;
  const A = b * b - k * k / sxx;
  if (A <= 0) return { point, lo: null, hi: null, slope: b };
  const half = k * Math.sqrt(d * d / sxx + A * (1 + 1 / n));
  return { point, lo: mx + (b * d - half) / A, hi: mx + (b * d + half) / A, slope: b };
}

/**
 * Whether the least-squares line through (`ms`, `overall`) reaches `target` at most `horizonMs`
 * after `now`, decided exactly: times are integer milliseconds and scores whole hundredths, so
 * the crossing is a ratio of integers and is compared without binary rounding. Needs a
 * positive slope.
 */
export function withinHorizon(
  ms: number[],
  overall: number[],
  target: number,
  now: number,
  horizonMs: number,
): boolean {
  const n = BigInt(ms.length);
  const x = ms.map((v) => BigInt(v - ms[0]));
  const y = overall.map((v) => BigInt(Math.round(v * 100)));
  const sum = (a: bigint[]) => a.reduce((s, v) => s + v, 0n);
  const sx = sum(x);
  const sy = sum(y);
  const sxx = n * sum(x.map((v) => v * v)) - sx * sx;
  const sxy = n * sum(x.map((v, i) => v * y[i])) - sx * sy;
  // crossing = sx/n + (n·T − sy)·sxx / (n·sxy), relative to ms[0]; sxy > 0.
  const lhs = sx * sxy + (n * BigInt(Math.round(target * 100)) - sy) * sxx;
  const rhs = BigInt(now + horizonMs - ms[0]) * n * sxy;
  return lhs <= rhs;
}

/**
 * "At this pace you reach 70 around <date>": a least-squares line through the snapshots of the
 * lookback before `now`, where it reaches the next band's threshold, and its range. `history`
 * is newest first (as stored). Sentences speak to `reader`.
 */
export function projectReadiness(
  history: Pick<Snapshot, "ts" | "overall" | "band">[],
  config: ReadinessConfig,
  r: Rubrics,
  opts: { now: number; reader?: Reader },
): Projection {
  const { now } = opts;
  const reader = opts.reader ?? LEARNER_READER;
  const v = voiceOf(reader);
  const day = (ms: number) => longDate(ms, reader.timeZone);
  const rule = projectionRule(r);
  const base: Projection = {
    rule,
    shown: false,
    reason: null,
    target: null,
    target_band: null,
    snapshots_used: 0,
    days_covered: 0,
    points_per_week: null,
    date: null,
    earliest: null,
    latest: null,
    text: null,
  };
  const scored = history.filter((s) =>
    s.overall !== null && s.band !== config.minimum_evidence.label && Date.parse(s.ts) <= now
  );
  if (scored.length === 0) {
    return {
      ...base,
      reason: `No scored readiness yet: the projection needs ${rule.min_snapshots} snapshots ` +
        `over at least ${rule.min_days} days.`,
    };
  }
  const newest = Date.parse(scored[0].ts);
  const recent = scored.filter((s) => now - Date.parse(s.ts) <= rule.lookback_days * DAY_MS)
    .reverse();
  const ms = recent.map((s) => Date.parse(s.ts));
  const x = ms.map((t) => (t - (ms[0] ?? now)) / DAY_MS);
  const y = recent.map((s) => s.overall!);
  const n = recent.length;
  const span = n ? x[n - 1] : 0;
  const current = scored[0].overall!;
  const next = nextBand(current, config);
  const out = {
    ...base,
    snapshots_used: n,
    days_covered: Math.floor(span * 100) / 100,
    target: next?.min ?? null,
    target_band: next?.label ?? null,
  };
  let slope: number | null = null;
  if (n >= 2 && span > 0) {
    const mx = x.reduce((a, b) => a + b, 0) / n;
    const my = y.reduce((a, b) => a + b, 0) / n;
    const sxx = x.reduce((a, v) => a + (v - mx) ** 2, 0);
    slope = x.reduce((a, v, i) => a + (v - mx) * (y[i] - my), 0) / sxx;
    out.points_per_week = round2(slope * 7);
  }
  if (!next) {
    return { ...out, reason: `${v.YouAre} in the top band: there is no next band to project.` };
  }
  const stale = Math.min(rule.stale_days, rule.lookback_days) * DAY_MS;
  if (now - newest > stale) {
    // One more session now: the snapshots of the lookback plus that one.
    const after = n + 1;
    const afterSpan = n ? (now - ms[0]) / DAY_MS : 0;
    const needSnapshots = Math.max(0, rule.min_snapshots - after);
    const needDays = Math.max(0, Math.ceil(rule.min_days - afterSpan));
    const oneMore = needSnapshots === 0 && needDays === 0
      ? `One more session would bring the projection back, from ${v.your} level then.`
      : `One more session would update ${v.your} readiness; the projection then needs ${
        [
          needSnapshots > 0 ? `${count(needSnapshots, "more session")}` : "",
          needDays > 0 ? `${count(needDays, "more day")} of practice` : "",
        ].filter(Boolean).join(" and ")
      }.`;
    return {
      ...out,
      reason: `Practice stopped on ${day(newest)}, so there is no date to project. ${oneMore}`,
    };
  }
  const missingSnapshots = Math.max(0, rule.min_snapshots - n);
  const missingDays = Math.max(0, Math.ceil(rule.min_days - span));
  if (missingSnapshots > 0 || missingDays > 0) {
    const needs = [
      missingSnapshots > 0 ? count(missingSnapshots, "more session") : "",
      missingDays > 0 ? `${count(missingDays, "more day")} of practice` : "",
    ].filter(Boolean).join(" and ");
    return {
      ...out,
      reason: `Not enough history yet for a projection: ${needs} (it needs ${rule.min_snapshots} ` +
        `snapshots over at least ${rule.min_days} days; ${v.you} ${v.verb("have")} ${
          count(n, "snapshot")
        } over ${count(Math.floor(span), "day")}).`,
    };
  }
  if (slope === null || slope <= 0) {
    return {
      ...out,
      reason: `${v.Your} recent trend is flat or going down, so there is no date to project yet.`,
    };
  }
  const horizon = rule.max_horizon_days * DAY_MS;
  if (!withinHorizon(ms, y, next.min, now, horizon)) {
    return {
      ...out,
      reason: `At ${v.your} current pace ${next.min} is more than ${rule.max_horizon_days} days ` +
        `from now, too far to date reliably.`,
    };
  }
  const cal = calibrationInterval(x, y, next.min);
  const at = (days: number) => Math.max(now, ms[0] + days * DAY_MS);
  const date = at(cal.point);
  const earliest = cal.lo === null ? now : at(cal.lo);
  const latest = cal.hi !== null && ms[0] + cal.hi * DAY_MS - now <= horizon ? at(cal.hi) : null;
  const reach = `At this pace ${v.you} ${v.verb("reach")} ${next.min} (${next.label})`;
  const when = date === now ? "in the coming sessions" : `around ${day(date)}`;
  const range = latest !== null
    ? (day(earliest) === day(latest) ? "" : ` — likely between ${day(earliest)} and ${day(latest)}`)
    : ` — not before ${day(earliest)}, possibly much later`;
  return {
    ...out,
    shown: true,
    date: isoDay(date),
    earliest: isoDay(earliest),
    latest: latest === null ? null : isoDay(latest),
    text: `${reach} ${when}${range}.`,
  };
}
