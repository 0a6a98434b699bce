/**
 * The readiness formula, pure: per-skill window averages in, components, overall, band and the
 * `meta` that explains them out. Every number comes from config/readiness.json.
 */
import { type Component, COMPONENTS, type ReadinessConfig } from "./config.ts";

/** One learner's average of one skill over the readiness window (a user_skill_agg row). */
export interface SkillAverage {
  skill_tag: string;
  avg_score: number;
  sample_size: number;
  session_count: number;
}

export interface Evidence {
  /** Scored answers (one per answer and skill) behind the value. */
  answers: number;
  /** The most sessions any one of the skills behind the value was seen in. */
  sessions: number;
}

export type Components = Record<Component, number | null>;

export interface ReadinessMeta {
  formula_version: string;
  /** Weights as configured. */
  weights: Record<Component, number>;
  /** Weights actually applied: the configured ones renormalised over the components with evidence. */
  effective_weights: Partial<Record<Component, number>>;
  window: string;
  evidence: Record<Component, Evidence>;
  evidence_total: Evidence;
  sufficient_evidence: boolean;
  missing_components: Component[];
  renormalised: boolean;
  trigger: string;
  as_of?: string;
}

export interface ReadinessScore {
  overall: number | null;
  components: Components;
  band: string;
  meta: ReadinessMeta;
}

/** Rounds to 2 decimals, as stored (numeric(5,2)). */
export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Band label of an overall score with enough evidence: the last band whose `min` it reaches. */
export function bandFor(config: ReadinessConfig, overall: number): string {
  let label = config.bands[0].label;
  for (const band of config.bands) if (overall >= band.min) label = band.label;
  return label;
}

/** Scores one learner from the skill averages of the readiness window. */
export function scoreReadiness(
  skills: SkillAverage[],
  config: ReadinessConfig,
  context: { trigger: string; asOf?: Date },
): ReadinessScore {
  const components = {} as Components;
  const evidence = {} as Record<Component, Evidence>;
  for (const c of COMPONENTS) {
    const rows = skills.filter((s) => config.components[c].skills.includes(s.skill_tag));
    // Formula choice (may be swapped): a component is the plain mean of its skills' window
    // averages, so each skill counts the same however often it was asked.
    components[c] = rows.length
      ? round2(rows.reduce((sum, r) => sum + r.avg_score, 0) / rows.length)
      : null;
    evidence[c] = {
      answers: rows.reduce((sum, r) => sum + r.sample_size, 0),
      sessions: Math.max(0, ...rows.map((r) => r.session_count)),
    };
  }

  const present = COMPONENTS.filter((c) => components[c] !== null);
  const missing = COMPONENTS.filter((c) => components[c] === null);
  const presentWeight = present.reduce((sum, c) => sum + config.components[c].weight, 0);
  // Formula choice (may be swapped): weighted mean of the (rounded) components; components without
  // evidence are left out and the remaining weights renormalised to sum to 1.
  const overall = present.length && presentWeight > 0
    ? round2(
      present.reduce((sum, c) => sum + config.components[c].weight * components[c]!, 0) /
        presentWeight,
    )
    : null;

  const evidenceTotal: Evidence = {
    answers: COMPONENTS.reduce((sum, c) => sum + evidence[c].answers, 0),
    sessions: Math.max(...COMPONENTS.map((c) => evidence[c].sessions)),
  };
  const sufficient = overall !== null &&
    evidenceTotal.answers >= config.minimum_evidence.answers &&
    evidenceTotal.sessions >= config.minimum_evidence.sessions;

  return {
    overall,
    components,
    band: sufficient ? bandFor(config, overall!) : config.minimum_evidence.label,
    meta: {
      formula_version: config.formula_version,
      weights: Object.fromEntries(
        COMPONENTS.map((c) => [c, config.components[c].weight]),
      ) as Record<Component, number>,
      effective_weights: Object.fromEntries(
        (presentWeight > 0 ? present : []).map((c) => [
          c,
          round6(config.components[c].weight / presentWeight),
        ]),
      ),
      window: config.readiness_window,
      evidence,
      evidence_total: evidenceTotal,
      sufficient_evidence: sufficient,
      missing_components: missing,
      renormalised: missing.length > 0,
      trigger: context.trigger,
      ...(context.asOf ? { as_of: context.asOf.toISOString() } : {}),
    },
  };
}
