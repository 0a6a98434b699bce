/** Why the score changed: the change of overall between two snapshots, split by component. */
import { type Component, COMPONENTS, type ReadinessConfig } from "../config.ts";
import { Exact } from "../exact.ts";
import type { Snapshot } from "../snapshot.ts";
import { LEARNER_READER, longDate, personSigned, type Reader, voiceOf } from "../text.ts";

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
 * hundredths; `rounding` is what makes them add up to the delta exactly. The sentence speaks to
 * `reader` to a tenth of a point, so its parts visibly add up (the table keeps 2 decimals).
 */
export function whyChanged(
  latest: Snapshot | null,
  previous: Snapshot | null,
  config: ReadinessConfig,
  reader: Reader = LEARNER_READER,
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
  const size = personSigned(Math.abs(delta), 1).slice(1);
  const amount = delta === 0 ? "" : ` ${size} point${size === "1" ? "" : "s"}`;
  const detail = moved.length
    ? `: ${
      moved.map((p) => `${p.label.toLowerCase()} ${personSigned(p.contribution, 1)}`).join(", ")
    }`
    : "";
  return {
    since: previous.ts,
    from: previous.overall,
    to: latest.overall,
    delta,
    parts,
    rounding: deltaExact.minus(sum).round2(),
    formula_changed: latest.formula_version !== previous.formula_version,
    text: `${voiceOf(reader).Your} score ${direction}${amount} since ${
      longDate(previous.ts, reader.timeZone)
    }${detail}.`,
  };
}
