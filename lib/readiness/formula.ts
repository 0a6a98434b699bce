/**
 * The readiness formula, pure: per-skill window averages in, components, overall, band and the
 * `meta` that explains them out. Every number comes from config/readiness.json.
 */
import { type Component, COMPONENTS, type ReadinessConfig } from "./config.ts";
import { Exact } from "./exact.ts";

/** One learner's average of one skill over the readiness window (a user_skill_agg row). */
export interface SkillAverage {
  skill_tag: string;
  avg_score: number;
  sample_size: number;
  session_count: number;
  /**
   * Exact sum of the answers' scores (numeric text); when given, the skill's average is
   * `score_total / sample_size` exactly instead of the rounded `avg_score`.
   */
  score_total?: string | number;
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
  /** The unrounded figures (exact decimal text, 12 places when they do not terminate). */
  exact?: { overall: string | null } & Partial<Record<Component, string | null>>;
  /** The session whose evidence dates the snapshot, when one does. */
  session_id?: string;
}

export interface ReadinessScore {
  overall: number | null;
  components: Components;
  band: string;
  meta: ReadinessMeta;
}

/**
 * Rounds to 2 decimals, half away from zero, as stored (numeric(5,2)): the number is read as the
 * decimal it prints as, so 69.995 gives 70 and 1.005 gives 1.01 (no binary rounding on the way).
 */
export function round2(value: number | string | Exact): number {
  return Exact.of(value).round2();
}

/**
 * Band label of an overall score with enough evidence: the last band whose `min` it reaches,
 * compared exactly (decimal, not binary floating point).
 */
export function bandFor(config: ReadinessConfig, overall: number | string | Exact): string {
  const value = Exact.of(overall);
  let label = config.bands[0].label;
  for (const band of config.bands) if (value.gte(band.min)) label = band.label;
  return label;
}

/** The exact average of one skill: its exact score total over its answers when known. */
export function exactAverage(skill: SkillAverage): Exact {
  return skill.score_total !== undefined && skill.score_total !== null && skill.sample_size > 0
    ? Exact.ratio(skill.score_total, skill.sample_size)
    : Exact.of(skill.avg_score);
}

/** Scores one learner from the skill averages of the readiness window. */
export function scoreReadiness(
  skills: SkillAverage[],
  config: ReadinessConfig,
  context: { trigger: string; asOf?: Date; sessionId?: string },
): ReadinessScore {
  const components = {} as Components;
  const exact = {} as Record<Component, Exact | null>;
  const evidence = {} as Record<Component, Evidence>;
  for (const c of COMPONENTS) {
    const rows = skills.filter((s) => config.components[c].skills.includes(s.skill_tag));
    // Formula choice (may be swapped): a component is the plain mean of its skills' window
    // averages, so each skill counts the same however often it was asked. Exact, unrounded.
    exact[c] = rows.length
      ? rows.reduce((sum, r) => sum.plus(exactAverage(r)), Exact.ZERO).div(rows.length)
      : null;
    components[c] = exact[c] === null ? null : exact[c].round2();
    evidence[c] = {
      answers: rows.reduce((sum, r) => sum + r.sample_size, 0),
      sessions: Math.max(0, ...rows.map((r) => r.session_count)),
    };
  }

  const present = COMPONENTS.filter((c) => exact[c] !== null);
  const missing = COMPONENTS.filter((c) => exact[c] === null);
  const presentWeight = present.reduce(
    (sum, c) => sum.plus(config.components[c].weight),
    Exact.ZERO,
  );
  // Formula choice (may be swapped): weighted mean of the exact components; components without
  // evidence are left out and the remaining weights renormalised to sum to 1. Rounded once.
  const overallExact = present.length && presentWeight.cmp(0) > 0
    ? present.reduce(
      (sum, c) => sum.plus(exact[c]!.times(config.components[c].weight)),
      Exact.ZERO,
    ).div(presentWeight)
    : null;
  const overall = overallExact === null ? null : overallExact.round2();

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
    // The band is that of the published overall (rounded once), so number and band always agree:
    // an exact 69.995 is published as 70.00 and is "Nearly Ready".
    band: sufficient ? bandFor(config, overall!) : config.minimum_evidence.label,
    meta: {
      formula_version: config.formula_version,
      weights: Object.fromEntries(
        COMPONENTS.map((c) => [c, config.components[c].weight]),
      ) as Record<Component, number>,
      effective_weights: Object.fromEntries(
        (presentWeight.cmp(0) > 0 ? present : []).map((c) => [
          c,
          Number(Exact.of(config.components[c].weight).div(presentWeight).toFixed(6)),
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
      exact: {
        overall: overallExact?.toString() ?? null,
        ...Object.fromEntries(COMPONENTS.map((c) => [c, exact[c]?.toString() ?? null])),
      },
      ...(context.sessionId ? { session_id: context.sessionId } : {}),
    },
  };
}
