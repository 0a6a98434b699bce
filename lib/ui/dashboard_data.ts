/** Everything a learner dashboard shows, read with the same engine functions as the JSON API. */
import type { Queryable } from "../db/mod.ts";
import { getProfile, type LearnerProfile } from "../learners/profile.ts";
import type { Guidance } from "../readiness/guidance.ts";
import { coachingData } from "../readiness/reads.ts";
import {
  type Coaching,
  type Component,
  COMPONENTS,
  deltaOf,
  listSnapshots,
  readinessConfig,
  type ReadinessFreshness,
  readinessFreshness,
  sessionScores,
  type Snapshot,
  windowSpec,
} from "../readiness/mod.ts";
import { catalog } from "../static_config.ts";

/** Snapshots the trend chart can show at most ("all"). */
export const TREND_HISTORY_LIMIT = 500;

export interface DashboardData {
  profile: LearnerProfile;
  latest: Snapshot | null;
  delta: number | null;
  /** Oldest first. */
  history: { ts: string; overall: number | null }[];
  components: { component: Component; label: string; value: number | null }[];
  skillTrends: {
    tag: string;
    label: string;
    points: { session_id: string; ts: string; score: number }[];
  }[];
  trendSessions: number;
  coaching: Coaching & Guidance;
  /** When readiness was last brought up to date, and whether newer answers wait for it. */
  freshness: ReadinessFreshness;
}

/** The dashboard of `userId`, or null for an unknown learner. */
export async function loadDashboard(sql: Queryable, userId: string): Promise<DashboardData | null> {
  const trend = windowSpec(readinessConfig, readinessConfig.trend_window);
  // Issued together: postgres.js pipelines them on one connection.
  const [profile, snapshots, scores, coaching, freshness] = await Promise.all([
    getProfile(sql, userId),
    listSnapshots(sql, userId, TREND_HISTORY_LIMIT),
    sessionScores(sql, userId, trend),
    coachingData(sql, userId, readinessConfig),
    readinessFreshness(sql, userId),
  ]);
  if (!profile || !coaching) return null;
  const [latest = null, previous] = snapshots;
  const points = Map.groupBy(scores, (p) => p.skill_tag);
  return {
    profile,
    latest,
    delta: latest ? deltaOf(latest.overall, previous?.overall) : null,
    history: snapshots.map((s) => ({ ts: s.ts, overall: s.overall })).reverse(),
    components: COMPONENTS.map((c) => ({
      component: c,
      label: readinessConfig.components[c].label,
      value: latest?.components[c] ?? null,
    })),
    skillTrends: catalog.skills.map((s) => ({
      tag: s.tag,
      label: s.label,
      points: (points.get(s.tag) ?? []).map(({ session_id, ts, score }) => ({
        session_id,
        ts,
        score,
      })),
    })),
    trendSessions: trend.size,
    coaching,
    freshness,
  };
}
