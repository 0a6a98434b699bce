/**
 * Coaching people act on: every skill with its evidence, the points to the next band, one next
 * step from the coaching rubric (config/rubrics.json), the skills that stay low (dated, in order
 * of priority, in the reader's voice), why the score changed (the change split by component), and
 * a projection of when the next band is reached, shown only when the history supports it.
 *
 * Everything here is pure: read/coaching.ts reads what it needs in one statement. Figures derived from
 * scores are computed exactly (see exact.ts) and rounded once, half away from zero; the
 * projection (projection.ts) is a statistical estimate.
 */
import type { Coaching, LowSkill } from "../coaching.ts";
import { type Component, COMPONENTS, type ReadinessConfig } from "../config.ts";
import { Exact } from "../exact.ts";
import type { Snapshot } from "../snapshot.ts";
import {
  count,
  LEARNER_READER,
  longDate,
  personGap,
  personScore,
  type Reader,
  voiceOf,
} from "../text.ts";
import { type NextBand, nextBand } from "./bands.ts";
import { type Projection, projectReadiness } from "./projection.ts";
import { acknowledgementFor, nextStepFor, type Rubrics } from "./rubrics.ts";
import { type WhyChanged, whyChanged } from "./why_changed.ts";

export interface SkillEvidence {
  skill_tag: string;
  label: string;
  component: Component | null;
  /** Average over the readiness window; null without answers. */
  avg_score: number | null;
  answers: number;
  sessions: number;
}

/** Every configured skill with its readiness-window average and evidence (none: null / 0). */
export function skillEvidence(
  aggregates: {
    skill_tag: string;
    avg_score: number;
    sample_size: number;
    session_count: number;
  }[],
  config: ReadinessConfig,
  skills: readonly { tag: string; label: string }[],
): SkillEvidence[] {
  return skills.map((s) => {
    const a = aggregates.find((x) => x.skill_tag === s.tag);
    return {
      skill_tag: s.tag,
      label: s.label,
      component: COMPONENTS.find((c) => config.components[c].skills.includes(s.tag)) ?? null,
      avg_score: a ? a.avg_score : null,
      answers: a?.sample_size ?? 0,
      sessions: a?.session_count ?? 0,
    };
  });
}
export interface LowSkillItem {
  priority: number;
  skill_tag: string;
  label: string;
  /** Mean of the low sessions (exact, 2 decimals). */
  mean: number;
  since: string;
  last: string;
  scores: number[];
  text: string;
}

/**
 * Persistently low skills, most urgent first: lowest mean of the low sessions first, then the
 * most recent; each dated and phrased for `reader`.
 */
export function lowSkillList(
  low: LowSkill[],
  threshold: number,
  reader: Reader = LEARNER_READER,
): LowSkillItem[] {
  const v = voiceOf(reader);
  const day = (iso: string) => longDate(iso, reader.timeZone);
  return low
    .map((s) => {
      // Each session's exact average (its total over its answers), then their mean: compared
      // before rounding, so 45.0025 ranks before 45.0033 though both show as 45.
      const exact = s.sessions
        .reduce((sum, p) => sum.plus(Exact.ratio(p.total, p.answers)), Exact.ZERO)
        .div(s.sessions.length);
      const since = s.sessions[0].ts;
      const last = s.sessions[s.sessions.length - 1].ts;
      return { s, exact, mean: exact.round2(), since, last };
    })
    .sort((a, b) => a.exact.cmp(b.exact) || b.last.localeCompare(a.last))
    .map(({ s, mean, since, last }, i) => ({
      priority: i + 1,
      skill_tag: s.skill_tag,
      label: s.label,
      mean,
      since,
      last,
      scores: s.sessions.map((p) => p.score),
      text: `${v.Your} ${s.label.toLowerCase()} scores have stayed below ${threshold} in ${
        v.staff ? "their" : "your"
      } last ${count(s.sessions.length, "session")} with it (${day(since)} to ${day(last)}: ${
        s.sessions.map((p) => personScore(p.score, [threshold])).join(", ")
      }).`,
    }));
}
/**
 * What is missing for a full score, in `reader`'s words: components without answers and the
 * minimum evidence for a band ("2 more sessions with structure questions").
 */
export function missingEvidence(
  latest: Snapshot | null,
  skills: SkillEvidence[],
  config: ReadinessConfig,
  reader: Reader = LEARNER_READER,
): string[] {
  const v = voiceOf(reader);
  const { answers, sessions } = config.minimum_evidence;
  if (!latest) {
    return [
      `${v.Your} first readiness score needs ${answers} scored answers, with at least one skill ` +
      `seen in ${sessions} sessions.`,
    ];
  }
  const out: string[] = [];
  const total = latest.meta.evidence_total;
  if (!latest.meta.sufficient_evidence) {
    if (total.answers < answers) {
      const n = answers - total.answers;
      out.push(`${n} more scored answer${n === 1 ? "" : "s"} for a readiness band.`);
    }
    if (total.sessions < sessions) {
      const best = [...skills].sort((a, b) => b.sessions - a.sessions)[0];
      const n = sessions - total.sessions;
      out.push(
        `${n} more session${n === 1 ? "" : "s"} with ${best.label.toLowerCase()} questions ` +
          `for a readiness band.`,
      );
    }
  }
  for (const c of latest.meta.missing_components ?? []) {
    const names = skills.filter((s) => s.component === c).map((s) => s.label.toLowerCase());
    out.push(
      `1 session with ${names.join(" or ")} questions to add ${
        config.components[c].label.toLowerCase()
      } to ${v.your} score (it counts for ${Math.round(config.components[c].weight * 100)}%).`,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// assembled

export interface Guidance {
  skills: SkillEvidence[];
  next_band: NextBand | null;
  next_step: { skill_tag: string; label: string; score: number; text: string } | null;
  low_skills: LowSkillItem[];
  acknowledgement: string | null;
  why_changed: WhyChanged | null;
  projection: Projection;
  missing: string[];
  headline: string;
  /** Who the sentences speak to: the learner ("you") or staff (the learner's name). */
  audience: Reader["audience"];
  rubric_version: string;
}

/**
 * Everything above from the readiness data of one learner (pure), measured from `now` (ms) and
 * phrased for `reader` (the learner by default).
 */
export function buildGuidance(input: {
  coaching: Coaching;
  history: Snapshot[];
  aggregates: Parameters<typeof skillEvidence>[0];
  config: ReadinessConfig;
  rubrics: Rubrics;
  /** The catalog's skills, in its order. */
  skills: readonly { tag: string; label: string }[];
  now: number;
  reader?: Reader;
}): Guidance {
  const { coaching, history, config, now } = input;
  const reader = input.reader ?? LEARNER_READER;
  const v = voiceOf(reader);
  const staffName = v.staff ? v.You : null;
  const thresholds = config.bands.map((b) => b.min);
  const r = input.rubrics;
  const [latest = null, previous = null] = history;
  const skills = skillEvidence(input.aggregates, config, input.skills);
  const sufficient = latest !== null && latest.overall !== null &&
    latest.band !== config.minimum_evidence.label;
  const band = sufficient ? nextBand(latest!.overall, config) : null;
  const focusSkill = coaching.focus?.skill_tag
    ? skills.find((s) => s.skill_tag === coaching.focus!.skill_tag)
    : null;
  // A next step only from enough evidence on the skill itself (the band's minimum evidence).
  const { answers: minAnswers, sessions: minSessions } = config.minimum_evidence;
  const step = sufficient && focusSkill && focusSkill.avg_score !== null &&
      focusSkill.answers >= minAnswers && focusSkill.sessions >= minSessions
    ? nextStepFor(r, focusSkill.skill_tag, focusSkill.avg_score, staffName)
    : null;
  const top = config.bands[config.bands.length - 1];
  const acknowledgement = sufficient && latest!.band === top.label
    ? acknowledgementFor(r, staffName)
    : null;
  let headline: string;
  if (!latest || latest.overall === null) {
    headline = v.staff
      ? `${v.You} has no readiness score yet: it needs a few practice sessions.`
      : "Complete a few practice sessions so we can measure your readiness.";
  } else if (!sufficient) {
    headline = `${v.YouAre} at ${personScore(latest.overall, thresholds)} so far, from only a ` +
      `few answers.`;
  } else if (band) {
    const gap = personGap(latest.overall, band.min, thresholds);
    headline = `${v.YouAre} at ${personScore(latest.overall, thresholds)} (${latest.band}): ` +
      `${gap} point${gap === "1" ? "" : "s"} to ${band.label}.`;
  } else {
    headline = `${v.YouAre} at ${
      personScore(latest.overall, thresholds)
    }: ${latest.band}, the top band.`;
  }
  return {
    skills,
    next_band: band,
    next_step: focusSkill && step
      ? {
        skill_tag: focusSkill.skill_tag,
        label: focusSkill.label,
        score: focusSkill.avg_score!,
        text: step,
      }
      : null,
    low_skills: lowSkillList(coaching.persistently_low, coaching.low_skill_rule.threshold, reader),
    acknowledgement,
    why_changed: whyChanged(latest, previous, config, reader),
    projection: projectReadiness(history, config, r, { now, reader }),
    missing: missingEvidence(latest, skills, config, reader),
    headline,
    audience: reader.audience,
    rubric_version: r.version,
  };
}

/** Snapshots the projection, "why it changed" and the dashboard chart ("all") read at most. */
export const GUIDANCE_HISTORY_LIMIT = 500;
