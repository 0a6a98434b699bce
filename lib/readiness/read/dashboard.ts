/**
 * Everything a learner dashboard shows: the profile and the coaching API's one-statement read (its
 * history, coaching and guidance), with the trend window's per-session points in that statement.
 */
import type { Queryable } from "../../db/mod.ts";
import { getProfile, type LearnerProfile } from "../../learners/profile.ts";
import type { Coaching } from "../coaching.ts";
import { type Component, COMPONENTS, windowSpec } from "../config.ts";
import type { Guidance } from "../guidance/mod.ts";
import { deltaOf, type Snapshot } from "../snapshot.ts";
import { coachingRead, type CoachingView } from "./coaching.ts";
import { type ReadinessFreshness, readinessFreshness } from "./freshness.ts";
import type { StaticConfig } from "../../static_config.ts";

export interface DashboardData {
  profile: LearnerProfile;
  latest: Snapshot | null;
  delta: number | null;
  /** Oldest first; at most GUIDANCE_HISTORY_LIMIT, the trend chart's "all". */
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

/** The dashboard of `userId` with its sentences for `view`, or null for an unknown learner. */
export async function loadDashboard(
  sql: Queryable,
  userId: string,
  settings: StaticConfig,
  view: CoachingView = {},
): Promise<DashboardData | null> {
  const { readiness: readinessConfig, catalog } = settings;
  const trend = windowSpec(readinessConfig, readinessConfig.trend_window);
  // Issued together: postgres.js pipelines them on one connection.
  const [profile, read, freshness] = await Promise.all([
    getProfile(sql, userId),
    coachingRead(sql, userId, settings, trend, view),
    readinessFreshness(sql, userId),
  ]);
  if (!profile || !read) return null;
  const { coaching, history: snapshots } = read;
  // The latest two snapshots carry their whole meta; the chart reads time and overall only.
  const [latest = null, previous] = snapshots;
  const points = Map.groupBy(read.points, (p) => p.skill_tag);
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
