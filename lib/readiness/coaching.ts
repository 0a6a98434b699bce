/**
 * What to practise next: the latest snapshot, the skills that stay low, and the component whose
 * improvement would raise readiness most. The orchestrator calls this to pick the next scenario.
 */
import type { Queryable } from "../db/mod.ts";
import { catalog } from "../static_config.ts";
import { skillAggregates } from "./aggregates.ts";
import { type Component, componentOf, COMPONENTS, type ReadinessConfig } from "./config.ts";
import { round2 } from "./formula.ts";
import { type SessionPoint, sessionScores } from "./series.ts";
import { listSnapshots, type Snapshot } from "./snapshots.ts";

export interface LowSkill {
  skill_tag: string;
  label: string;
  component: Component | null;
  /** The learner's last sessions touching the skill (oldest first), each below the threshold. */
  sessions: Omit<SessionPoint, "skill_tag">[];
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

function skillLabel(tag: string): string {
  return catalog.skills.find((s) => s.tag === tag)?.label ?? tag;
}

/**
 * Skills below the low-skill threshold in each of the learner's last N sessions that touched them
 * (N and the threshold from config; fewer than N sessions is not "persistently").
 */
export async function persistentlyLowSkills(
  sql: Queryable,
  userId: string,
  config: ReadinessConfig,
): Promise<LowSkill[]> {
  const { threshold, sessions } = config.low_skill;
  const points = await sessionScores(sql, userId, { kind: "sessions", size: sessions });
  return [...Map.groupBy(points, (p) => p.skill_tag)]
    .filter(([, recent]) => recent.length >= sessions && recent.every((p) => p.score < threshold))
    .map(([tag, recent]) => ({
      skill_tag: tag,
      label: skillLabel(tag),
      component: componentOf(config, tag),
      sessions: recent.map(({ skill_tag: _, ...p }) => p),
    }));
}

/** The scored component with the largest weight × (target − score); ties go to config order. */
export function focusComponent(
  snapshot: Snapshot | null,
  config: ReadinessConfig,
): Omit<Focus, "skill_tag" | "skill_label"> | null {
  let best: Omit<Focus, "skill_tag" | "skill_label"> | null = null;
  for (const c of COMPONENTS) {
    const score = snapshot?.components[c];
    if (score === null || score === undefined) continue;
    const weight = config.components[c].weight;
    const gap = round2(weight * Math.max(0, config.coaching.target - score));
    if (gap > 0 && (!best || gap > best.weighted_gap)) {
      best = { component: c, label: config.components[c].label, score, weight, weighted_gap: gap };
    }
  }
  return best;
}

/** One learner-facing sentence: where they are and what comes next. */
export function coachingMessage(
  snapshot: Snapshot | null,
  focus: Focus | null,
  config: ReadinessConfig,
): string {
  if (!snapshot || snapshot.overall === null) {
    return "Complete a few practice sessions so we can measure your readiness.";
  }
  const at = Math.round(snapshot.overall);
  const next = focus ? `next we focus on ${(focus.skill_label ?? focus.label).toLowerCase()}` : "";
  if (snapshot.band === config.minimum_evidence.label) {
    return focus
      ? `You're at ${at} so far, from only a few answers; ${next}.`
      : `You're at ${at} so far, from only a few answers; keep practising.`;
  }
  return focus ? `You're at ${at}; ${next}.` : `You're at ${at}; keep practising to stay there.`;
}

/** Coaching for one learner, from their latest snapshot and recent sessions. */
export async function coachingFor(
  sql: Queryable,
  userId: string,
  config: ReadinessConfig,
): Promise<Coaching> {
  const [latest = null] = await listSnapshots(sql, userId, 1);
  const persistentlyLow = await persistentlyLowSkills(sql, userId, config);
  const component = focusComponent(latest, config);
  let focus: Focus | null = null;
  if (component) {
    const skills = config.components[component.component].skills;
    const weakest = (await skillAggregates(sql, userId, { windowKey: config.readiness_window }))
      .filter((a) => skills.includes(a.skill_tag))
      .sort((a, b) => a.avg_score - b.avg_score)[0];
    focus = {
      ...component,
      skill_tag: weakest?.skill_tag ?? null,
      skill_label: weakest ? skillLabel(weakest.skill_tag) : null,
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
    message: coachingMessage(latest, focus, config),
  };
}
