/**
 * When the next band is reached at the learner's pace: a least-squares line through the recent
 * scored snapshots, shown only when the history supports it. A statistical estimate (floats); only
 * its dates and rates are shown.
 */
import type { ReadinessConfig } from "../config.ts";
import { round2 } from "../exact.ts";
import type { Snapshot } from "../snapshot.ts";
import { longDate } from "../text.ts";
import { nextBand } from "./bands.ts";
import type { Rubrics } from "./rubrics.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ProjectionRule {
  min_snapshots: number;
  min_days: number;
  lookback_days: number;
  max_horizon_days: number;
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
  /** Projected dates (ISO day), from the latest snapshot at the fitted pace ± 1 standard error. */
  date: string | null;
  earliest: string | null;
  /** null: at the slow end of the range the trend is flat or too far out to date. */
  latest: string | null;
  text: string | null;
}

/** The projection rule in words (README and the API say the same). */
export function projectionRule(r: Rubrics): ProjectionRule {
  const p = r.projection;
  return {
    ...p,
    description: `shown when at least ${p.min_snapshots} snapshots with sufficient evidence from ` +
      `the last ${p.lookback_days} days span at least ${p.min_days} days, the least-squares ` +
      `slope of overall over time is positive, and the next band is at most ` +
      `${p.max_horizon_days} days away at that pace; the range uses the slope ± 1 standard error`,
  };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * "At this pace you reach 70 around <date>": a least-squares line through the recent scored
 * snapshots (overall against time), from the latest snapshot to the next band's threshold.
 * `history` is newest first (as stored).
 */
export function projectReadiness(
  history: Pick<Snapshot, "ts" | "overall" | "band">[],
  config: ReadinessConfig,
  r: Rubrics,
): Projection {
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
    s.overall !== null && s.band !== config.minimum_evidence.label
  );
  if (scored.length === 0) {
    return {
      ...base,
      reason: `No scored readiness yet: the projection needs ${rule.min_snapshots} snapshots ` +
        `over at least ${rule.min_days} days.`,
    };
  }
  const newest = Date.parse(scored[0].ts);
  const recent = scored.filter((s) => newest - Date.parse(s.ts) <= rule.lookback_days * DAY_MS)
    .reverse();
  const x = recent.map((s) => (Date.parse(s.ts) - Date.parse(recent[0].ts)) / DAY_MS);
  const y = recent.map((s) => s.overall!);
  const n = recent.length;
  const span = x[n - 1];
  const current = y[n - 1];
  const next = nextBand(current, config);
  const out = {
    ...base,
    snapshots_used: n,
    days_covered: Math.floor(span * 100) / 100,
    target: next?.min ?? null,
    target_band: next?.label ?? null,
  };
  let slope: number | null = null;
  let se = Infinity;
  if (n >= 2 && span > 0) {
    const mx = x.reduce((a, b) => a + b, 0) / n;
    const my = y.reduce((a, b) => a + b, 0) / n;
    const sxx = x.reduce((a, v) => a + (v - mx) ** 2, 0);
    slope = x.reduce((a, v, i) => a + (v - mx) * (y[i] - my), 0) / sxx;
    const intercept = my - slope * mx;
    if (n > 2) {
      const rss = x.reduce((a, v, i) => a + (y[i] - intercept - slope! * v) ** 2, 0);
      se = Math.sqrt(rss / (n - 2) / sxx);
    }
    out.points_per_week = round2(slope * 7);
  }
  if (!next) {
    return { ...out, reason: "You are in the top band: there is no next band to project." };
  }
  const missingSnapshots = Math.max(0, rule.min_snapshots - n);
  const missingDays = Math.max(0, Math.ceil(rule.min_days - span));
  if (missingSnapshots > 0 || missingDays > 0) {
    const needs = [
      missingSnapshots > 0
        ? `${missingSnapshots} more session${missingSnapshots === 1 ? "" : "s"}`
        : "",
      missingDays > 0 ? `${missingDays} more day${missingDays === 1 ? "" : "s"} of practice` : "",
    ].filter(Boolean).join(" and ");
    return {
      ...out,
      reason: `Not enough history yet for a projection: ${needs} (it needs ${rule.min_snapshots} ` +
        `snapshots over at least ${rule.min_days} days; you have ${n} over ${
          Math.floor(span)
        } days).`,
    };
  }
  if (slope === null || slope <= 0) {
    return {
      ...out,
      reason: "Your recent trend is flat or going down, so there is no date to project yet.",
    };
  }
  const gap = next.min - current;
  const days = gap / slope;
  if (days > rule.max_horizon_days) {
    return {
      ...out,
      reason: `At your current pace ${next.min} is more than ${rule.max_horizon_days} days ` +
        `away, too far to date reliably.`,
    };
  }
  const fast = gap / (slope + se);
  const slow = slope - se > 0 ? gap / (slope - se) : Infinity;
  const date = isoDay(newest + days * DAY_MS);
  const earliest = isoDay(newest + fast * DAY_MS);
  const latest = slow <= rule.max_horizon_days ? isoDay(newest + slow * DAY_MS) : null;
  const day = (iso: string) => longDate(`${iso}T00:00:00Z`);
  return {
    ...out,
    shown: true,
    date,
    earliest,
    latest,
    text: `At this pace you reach ${next.min} (${next.label}) around ${day(date)} — ` +
      (latest
        ? `between ${day(earliest)} and ${day(latest)}.`
        : `not before ${day(earliest)}, possibly much later.`),
  };
}
