/** A learner's dashboard: readiness card and trend, skills, skill trend and coaching focus. */
import type { DashboardData } from "../lib/ui/dashboard_data.ts";
import { CoachingFocus } from "./CoachingFocus.tsx";
import { Island } from "./Island.tsx";
import { SkillsBreakdown } from "./SkillsBreakdown.tsx";

export function LearnerDashboard({ data, heading }: { data: DashboardData; heading: string }) {
  const { latest, profile } = data;
  const firstWithPoints = data.skillTrends.find((s) => s.points.length > 0) ?? data.skillTrends[0];
  return (
    <>
      <h1>{heading}</h1>
      {(profile.level || profile.track) && (
        <p class="muted">
          Preparing for: {[profile.level, profile.track].filter(Boolean).join(" · ")}
        </p>
      )}
      <div class="grid">
        <Island
          name="ReadinessCard"
          props={{
            overall: latest?.overall ?? null,
            band: latest?.band ?? "No snapshot yet",
            delta: data.delta,
            ts: latest?.ts ?? null,
          }}
        />
        <CoachingFocus coaching={data.coaching} />
        <div class="wide">
          <Island name="ReadinessTrend" props={{ points: data.history }} />
        </div>
        <SkillsBreakdown components={data.components} />
        <Island
          name="SkillTrend"
          props={{
            skills: data.skillTrends,
            initial: firstWithPoints.tag,
            sessions: data.trendSessions,
          }}
        />
      </div>
    </>
  );
}
