/**
 * A learner's dashboard: readiness card, what to do next, why the score changed, the trend with
 * its projection, all six skills and the per-skill trend, in the words and time zone of `reader`
 * (the learner: "your"; staff: the learner's name).
 */
import { type ReadinessConfig, windowSpec } from "../../lib/readiness/mod.ts";
import type { DashboardData } from "../../lib/readiness/mod.ts";
import { type Reader, voiceOf } from "../../lib/readiness/text.ts";
import { Island } from "../../islands/_render.tsx";
import { CoachingFocus } from "./CoachingFocus.tsx";
import { SkillsBreakdown } from "./SkillsBreakdown.tsx";
import { WhyChanged } from "./WhyChanged.tsx";

/** "last 5 sessions with the skill" / "last 14 days". */
function windowWords(readinessConfig: ReadinessConfig, key: string): string {
  const w = windowSpec(readinessConfig, key);
  return w.kind === "sessions" ? `last ${w.size} sessions with the skill` : `last ${w.size} days`;
}

export function LearnerDashboard(
  { data, heading, back, reader, config: readinessConfig }: {
    data: DashboardData;
    heading: string;
    back?: { href: string; label: string };
    reader: Reader;
    /** config/readiness.json: the bands and windows shown. */
    config: ReadinessConfig;
  },
) {
  const { latest, profile, coaching } = data;
  const voice = voiceOf(reader);
  const thresholds = readinessConfig.bands.map((b) => b.min);
  const firstWithPoints = data.skillTrends.find((s) => s.points.length > 0) ?? data.skillTrends[0];
  return (
    <>
      {back && (
        <p class="back-link">
          <a href={back.href}>← {back.label}</a>
        </p>
      )}
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
            band: latest?.band ?? null,
            delta: data.delta,
            ts: latest?.ts ?? null,
            updatedAt: data.freshness.updatedAt,
            pending: data.freshness.pending,
            thresholds,
            timeZone: reader.timeZone,
          }}
        />
        <CoachingFocus coaching={coaching} voice={voice} thresholds={thresholds} />
        {coaching.why_changed && <WhyChanged why={coaching.why_changed} voice={voice} />}
        <SkillsBreakdown
          components={data.components}
          skills={coaching.skills}
          window={windowWords(readinessConfig, readinessConfig.readiness_window)}
          voice={voice}
          thresholds={thresholds}
        />
        <div class="wide">
          <Island
            name="ReadinessTrend"
            props={{
              points: data.history,
              bands: readinessConfig.bands.filter((b) => b.min > 0),
              projection: {
                shown: coaching.projection.shown,
                text: coaching.projection.text,
                reason: coaching.projection.reason,
                rule: coaching.projection.rule.description,
              },
              timeZone: reader.timeZone,
            }}
          />
        </div>
        <div class="wide">
          <Island
            name="SkillTrend"
            props={{
              skills: data.skillTrends,
              initial: firstWithPoints.tag,
              sessions: data.trendSessions,
              timeZone: reader.timeZone,
            }}
          />
        </div>
      </div>
    </>
  );
}
