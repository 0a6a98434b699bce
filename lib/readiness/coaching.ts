/**
 * What to practise next: the latest snapshot, the skills that stay low, and the component whose
 * improvement would raise readiness most. The orchestrator calls this to pick the next scenario.
 */
import { type Component, componentOf, COMPONENTS, type ReadinessConfig } from "./config.ts";
import { Exact } from "./exact.ts";
import type { SessionPoint, Snapshot } from "./snapshot.ts";
import type { Skill } from "../catalog.ts";
import { LEARNER_READER, personScore, type Reader, voiceOf } from "./text.ts";

export interface LowSkill {
  skill_tag: string;
  label: string;
  component: Component | null;
  /**
   * The learner's last sessions touching the skill (oldest first), each below the threshold, with
   * the exact sum of the session's answer scores (`total`, a decimal string).
   */
  sessions: (Omit<SessionPoint, "skill_tag"> & { total: string })[];
}

export interface Focus {
  component: Component;
  label: string;
  score: number;
  weight: number;
  /** weight × (target − score): how much overall readiness there is to gain here. */
  weighted_gap: number;
  /** The component's weakest skill in the readiness window, when known. */
  skill_tag: string | null;
  skill_label: string | null;
}

export interface Coaching {
  latest: Snapshot | null;
  persistently_low: LowSkill[];
  low_skill_rule: { threshold: number; sessions: number; description: string };
  focus: Focus | null;
  message: string;
}

function skillLabel(tag: string, skills: readonly Skill[]): string {
  return skills.find((s) => s.tag === tag)?.label ?? tag;
}

/** One session's average of a skill, as the low-skill rule reads it (`total` exact, as text). */
export interface LowSkillRow extends Omit<SessionPoint, "ts"> {
  /** ISO time of the session's first answer on the skill. */
  ts: string;
  total: string;
}

/**
 * The persistently low skills among `rows` (each skill's last N sessions, oldest first, ordered by
 * skill, as read/coaching.ts reads them): below the threshold in each of them, N and the threshold from
 * config (fewer than N sessions is not "persistently"). A session's average is compared exactly:
 * 59.996… is below 60 even though it displays as 60.00.
 */
export function lowSkillsOf(
  rows: LowSkillRow[],
  config: ReadinessConfig,
  catalogSkills: readonly Skill[],
): LowSkill[] {
  const { threshold, sessions } = config.low_skill;
  return [...Map.groupBy(rows, (p) => p.skill_tag)]
    .filter(([, recent]) =>
      recent.length >= sessions &&
      recent.every((p) => Exact.ratio(p.total, p.answers).lt(threshold))
    )
    .map(([tag, recent]) => ({
      skill_tag: tag,
      label: skillLabel(tag, catalogSkills),
      component: componentOf(config, tag),
      sessions: recent.map((p) => ({
        session_id: p.session_id,
        ts: p.ts,
        score: p.score,
        total: p.total,
        answers: p.answers,
      })),
    }));
}

/** A component's exact value in a snapshot: the unrounded one when recorded, else the stored one. */
function exactComponent(snapshot: Snapshot, c: Component): Exact | null {
  const exact = snapshot.meta?.exact?.[c];
  if (exact !== undefined && exact !== null) return Exact.of(exact);
  const stored = snapshot.components[c];
  return stored === null || stored === undefined ? null : Exact.of(stored);
}

/**
 * The scored component with the largest weight × (target − score), compared exactly (a 9.501 gap
 * beats a 9.498 one); exact ties go to config order.
 */
export function focusComponent(
  snapshot: Snapshot | null,
  config: ReadinessConfig,
): Omit<Focus, "skill_tag" | "skill_label"> | null {
  if (!snapshot) return null;
  let best: { focus: Omit<Focus, "skill_tag" | "skill_label">; gap: Exact } | null = null;
  for (const c of COMPONENTS) {
    const score = exactComponent(snapshot, c);
    if (score === null) continue;
    const weight = config.components[c].weight;
    const room = Exact.of(config.coaching.target).minus(score);
    const gap = room.cmp(0) > 0 ? room.times(weight) : Exact.ZERO;
    if (gap.cmp(0) > 0 && (!best || gap.cmp(best.gap) > 0)) {
      best = {
        gap,
        focus: {
          component: c,
          label: config.components[c].label,
          score: snapshot.components[c] ?? score.round2(),
          weight,
          weighted_gap: gap.round2(),
        },
      };
    }
  }
  return best?.focus ?? null;
}

/** One sentence for `reader`: where the learner is and what comes next. */
export function coachingMessage(
  snapshot: Snapshot | null,
  focus: Focus | null,
  config: ReadinessConfig,
  reader: Reader = LEARNER_READER,
): string {
  const v = voiceOf(reader);
  if (!snapshot || snapshot.overall === null) {
    return v.staff
      ? `${v.You} has no readiness score yet: it needs a few practice sessions.`
      : "Complete a few practice sessions so we can measure your readiness.";
  }
  const at = personScore(snapshot.overall, config.bands.map((b) => b.min));
  const next = focus ? `next we focus on ${(focus.skill_label ?? focus.label).toLowerCase()}` : "";
  if (snapshot.band === config.minimum_evidence.label) {
    return focus
      ? `${v.YouAre} at ${at} so far, from only a few answers; ${next}.`
      : `${v.YouAre} at ${at} so far, from only a few answers; keep practising.`;
  }
  return focus
    ? `${v.YouAre} at ${at}; ${next}.`
    : `${v.YouAre} at ${at}; keep practising to stay there.`;
}

/** A skill's stored readiness-window average, as the focus reads it. */
export interface WindowAverage {
  skill_tag: string;
  avg_score: number;
  score_total: string | null;
  sample_size: number;
}

/**
 * Coaching from what coachingData (read/coaching.ts) reads: the latest snapshot, the persistently low
 * skills and the learner's readiness-window averages (any skills; the focus component's are used).
 */
export function coachingOf(
  latest: Snapshot | null,
  persistentlyLow: LowSkill[],
  windowAverages: WindowAverage[],
  config: ReadinessConfig,
  catalogSkills: readonly Skill[],
  reader: Reader = LEARNER_READER,
): Coaching {
  // No focus from less than the minimum evidence: the band says there is not enough yet.
  const component = latest?.band === config.minimum_evidence.label
    ? null
    : focusComponent(latest, config);
  let focus: Focus | null = null;
  if (component) {
    const skills = config.components[component.component].skills;
    const averages = windowAverages.filter((a) => skills.includes(a.skill_tag));
    // The weakest skill by its exact average (ties: the first in the component's skill list).
    const exactOf = (a: WindowAverage) =>
      a.score_total === null ? Exact.of(a.avg_score) : Exact.ratio(a.score_total, a.sample_size);
    const weakest = averages
      .sort((a, b) =>
        exactOf(a).cmp(exactOf(b)) || skills.indexOf(a.skill_tag) - skills.indexOf(b.skill_tag)
      )[0];
    focus = {
      ...component,
      skill_tag: weakest?.skill_tag ?? null,
      skill_label: weakest ? skillLabel(weakest.skill_tag, catalogSkills) : null,
    };
  }
  const { threshold, sessions } = config.low_skill;
  return {
    latest,
    persistently_low: persistentlyLow,
    low_skill_rule: {
      threshold,
      sessions,
      description:
        `below ${threshold} in each of the learner's last ${sessions} sessions that touched the skill`,
    },
    focus,
    message: coachingMessage(latest, focus, config, reader),
  };
}
