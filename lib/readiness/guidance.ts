/**
 * Coaching people act on: every skill with its evidence, the points to the next band, one next
 * step from the coaching rubric (config/rubrics.json), the skills that stay low (dated, in order
 * of priority, in the second person), why the score changed (the change split by component), and
 * a projection of when the next band is reached, shown only when the history supports it.
 *
 * Everything here is pure: reads.ts reads what it needs in one statement. Figures derived from
 * scores are computed exactly (see exact.ts) and rounded once, half away from zero; the
 * projection is a statistical estimate (least squares on floats) and only its dates and rates are
 * shown.
 */
import { z } from "zod";
import { catalog, readConfigFile } from "../static_config.ts";
import { signedPoints } from "../ui/format.ts";
import type { Coaching, LowSkill } from "./coaching.ts";
import { type Component, COMPONENTS, type ReadinessConfig } from "./config.ts";
import { Exact, round2 } from "./exact.ts";
import type { Snapshot } from "./snapshots.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// config/rubrics.json

const nextStep = z.object({
  /** The step applies to scores below this value (the first matching entry wins). */
  below: z.number().min(0).max(101),
  text: z.string().min(10),
}).strict();

/** zod schema of config/rubrics.json: every skill of config/skills.json needs its next steps. */
export function rubricsSchema(skillTags: readonly string[]) {
  return z.object({
    version: z.string().min(1),
    projection: z.object({
      min_snapshots: z.number().int().min(3),
      min_days: z.number().min(1),
      lookback_days: z.number().min(1),
      max_horizon_days: z.number().min(1),
    }).strict(),
    acknowledgement: z.string().min(10),
    skills: z.record(z.string(), z.object({ next_steps: z.array(nextStep).min(1) }).strict()),
  }).strict().superRefine((r, ctx) => {
    for (const tag of skillTags) {
      if (!r.skills[tag]) {
        ctx.addIssue({ code: "custom", path: ["skills", tag], message: "missing next steps" });
      }
    }
    for (const [tag, { next_steps }] of Object.entries(r.skills)) {
      if (!skillTags.includes(tag)) {
        ctx.addIssue({
          code: "custom",
          path: ["skills", tag],
          message: `unknown skill tag; allowed: ${skillTags.join(", ")}`,
        });
      }
      next_steps.forEach((s, i) => {
        if (i > 0 && s.below <= next_steps[i - 1].below) {
          ctx.addIssue({
            code: "custom",
            path: ["skills", tag, "next_steps", i, "below"],
            message: "must increase from one step to the next",
          });
        }
      });
      if (next_steps[next_steps.length - 1].below <= 100) {
        ctx.addIssue({
          code: "custom",
          path: ["skills", tag, "next_steps"],
          message: "the last step must cover a score of 100 (below > 100)",
        });
      }
    }
    if (r.projection.min_days > r.projection.lookback_days) {
      ctx.addIssue({
        code: "custom",
        path: ["projection", "min_days"],
        message: "must not exceed lookback_days",
      });
    }
  });
}

export type Rubrics = z.infer<ReturnType<typeof rubricsSchema>>;

/** Reads and validates config/rubrics.json (start-up fails with the field at fault named). */
export function loadRubrics(dir?: URL): Rubrics {
  return readConfigFile("rubrics.json", rubricsSchema(catalog.skillTags), dir);
}

export const rubrics: Rubrics = loadRubrics();

/** "12 Nov 2026" (UTC). */
export function longDate(iso: string): string {
  return new Date(iso).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

// ---------------------------------------------------------------------------------------------
// pure parts

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
  skills: { tag: string; label: string }[] = catalog.skills,
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

export interface NextBand {
  label: string;
  min: number;
  /** Points from the current overall to the band's threshold (exact). */
  points: number;
}

/** The band above `overall` and the points to it; null in the top band or without a score. */
export function nextBand(overall: number | null, config: ReadinessConfig): NextBand | null {
  if (overall === null) return null;
  const band = config.bands.find((b) => b.min > overall);
  if (!band) return null;
  return {
    label: band.label,
    min: band.min,
    points: Exact.of(band.min).minus(overall).round2(),
  };
}

/** The rubric's next step for `skillTag` at `score`. */
export function nextStepFor(r: Rubrics, skillTag: string, score: number): string | null {
  return r.skills[skillTag]?.next_steps.find((s) => score < s.below)?.text ?? null;
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
 * most recent; each dated and phrased for the learner.
 */
export function lowSkillList(low: LowSkill[], threshold: number): LowSkillItem[] {
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
      text:
        `Your ${s.label.toLowerCase()} scores have stayed below ${threshold} in your last ${s.sessions.length} sessions with it (${
          longDate(since)
        } to ${longDate(last)}: ${s.sessions.map((p) => p.score).join(", ")}).`,
    }));
}

export interface ChangePart {
  component: Component;
  label: string;
  before: number | null;
  after: number | null;
  weight_before: number | null;
  weight_after: number | null;
  /** after × weight_after − before × weight_before, in points of overall. */
  contribution: number;
}

export interface WhyChanged {
  since: string;
  from: number;
  to: number;
  delta: number;
  parts: ChangePart[];
  /** delta − Σ contributions: the rounding of components, weights and overall. */
  rounding: number;
  formula_changed: boolean;
  text: string;
}

/**
 * The change of overall between two snapshots split by component: each component contributes
 * its score times its applied (renormalised) weight, now minus then. The parts are rounded to
 * hundredths; `rounding` is what makes them add up to the delta exactly.
 */
export function whyChanged(
  latest: Snapshot | null,
  previous: Snapshot | null,
  config: ReadinessConfig,
): WhyChanged | null {
  if (!latest || !previous || latest.overall === null || previous.overall === null) return null;
  // Components and weights (stored with 6 decimals) read as the decimals they print as.
  const part = (score: number | null, weight: number | undefined) =>
    score === null || weight === undefined ? Exact.ZERO : Exact.of(score).times(weight);
  const parts: ChangePart[] = COMPONENTS.map((c) => {
    const before = previous.components[c];
    const after = latest.components[c];
    const wb = previous.meta.effective_weights?.[c];
    const wa = latest.meta.effective_weights?.[c];
    return {
      component: c,
      label: config.components[c].label,
      before,
      after,
      weight_before: wb ?? null,
      weight_after: wa ?? null,
      contribution: part(after, wa).minus(part(before, wb)).round2(),
    };
  });
  const deltaExact = Exact.of(latest.overall).minus(previous.overall);
  const delta = deltaExact.round2();
  const sum = parts.reduce((s, p) => s.plus(p.contribution), Exact.ZERO);
  const moved = parts.filter((p) => p.contribution !== 0)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  const direction = delta > 0 ? "went up" : delta < 0 ? "went down" : "did not change";
  const amount = delta === 0 ? "" : ` ${Math.abs(delta)} points`;
  const detail = moved.length
    ? `: ${moved.map((p) => `${p.label.toLowerCase()} ${signedPoints(p.contribution)}`).join(", ")}`
    : "";
  return {
    since: previous.ts,
    from: previous.overall,
    to: latest.overall,
    delta,
    parts,
    rounding: deltaExact.minus(sum).round2(),
    formula_changed: latest.formula_version !== previous.formula_version,
    text: `Your score ${direction}${amount} since ${longDate(previous.ts)}${detail}.`,
  };
}

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

/**
 * What is missing for a full score, in the learner's words: components without answers and the
 * minimum evidence for a band ("2 more sessions with structure questions").
 */
export function missingEvidence(
  latest: Snapshot | null,
  skills: SkillEvidence[],
  config: ReadinessConfig,
): string[] {
  const { answers, sessions } = config.minimum_evidence;
  if (!latest) {
    return [
      `Your first readiness score needs ${answers} scored answers, with at least one skill ` +
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
      } to your score (it counts for ${Math.round(config.components[c].weight * 100)}%).`,
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
  rubric_version: string;
}

/** Everything above from the readiness data of one learner (pure). */
export function buildGuidance(input: {
  coaching: Coaching;
  history: Snapshot[];
  aggregates: Parameters<typeof skillEvidence>[0];
  config: ReadinessConfig;
  rubrics: Rubrics;
}): Guidance {
  const { coaching, history, config } = input;
  const r = input.rubrics;
  const [latest = null, previous = null] = history;
  const skills = skillEvidence(input.aggregates, config);
  const sufficient = latest !== null && latest.overall !== null &&
    latest.band !== config.minimum_evidence.label;
  const band = sufficient ? nextBand(latest!.overall, config) : null;
  const focusSkill = coaching.focus?.skill_tag
    ? skills.find((s) => s.skill_tag === coaching.focus!.skill_tag)
    : null;
  const step = focusSkill && focusSkill.avg_score !== null
    ? nextStepFor(r, focusSkill.skill_tag, focusSkill.avg_score)
    : null;
  const top = config.bands[config.bands.length - 1];
  const acknowledgement = sufficient && latest!.band === top.label ? r.acknowledgement : null;
  let headline: string;
  if (!latest || latest.overall === null) {
    headline = "Complete a few practice sessions so we can measure your readiness.";
  } else if (!sufficient) {
    headline = `You're at ${latest.overall} so far, from only a few answers.`;
  } else if (band) {
    headline =
      `You're at ${latest.overall} (${latest.band}): ${band.points} points to ${band.label}.`;
  } else {
    headline = `You're at ${latest.overall}: ${latest.band}, the top band.`;
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
    low_skills: lowSkillList(coaching.persistently_low, coaching.low_skill_rule.threshold),
    acknowledgement,
    why_changed: whyChanged(latest, previous, config),
    projection: projectReadiness(history, config, r),
    missing: missingEvidence(latest, skills, config),
    headline,
    rubric_version: r.version,
  };
}

/** Snapshots the projection and "why it changed" read at most. */
export const GUIDANCE_HISTORY_LIMIT = 500;
