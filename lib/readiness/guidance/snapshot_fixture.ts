/** Test fixture: hand-made snapshots for the guidance tests. */
import type { Snapshot } from "../snapshot.ts";
import { readinessConfig as config } from "../../../tests/static_config.ts";

export const DAY = 24 * 60 * 60 * 1000;
export const T0 = Date.parse("2026-10-01T09:00:00Z");

/** A snapshot `days` after T0 with these components (weights renormalised over them). */
export function snap(
  days: number,
  overall: number | null,
  components: Partial<Snapshot["components"]> = {},
  extra: Partial<Snapshot> = {},
): Snapshot {
  const present = Object.entries(components).filter(([, v]) => v !== null).map(([k]) => k);
  const weightSum = present.reduce(
    (s, c) => s + config.components[c as keyof typeof config.components].weight,
    0,
  );
  return {
    id: days,
    user_id: "u",
    ts: new Date(T0 + days * DAY).toISOString(),
    overall,
    components: {
      technical: null,
      communication: null,
      structure: null,
      behavioral: null,
      ...components,
    },
    band: overall === null ? "Insufficient evidence" : "Developing",
    formula_version: config.formula_version,
    meta: {
      formula_version: config.formula_version,
      weights: { technical: 0.3, communication: 0.3, structure: 0.2, behavioral: 0.2 },
      effective_weights: Object.fromEntries(
        present.map((c) => [
          c,
          Math.round(
            config.components[c as keyof typeof config.components].weight / weightSum *
              1e6,
          ) / 1e6,
        ]),
      ),
      window: "last_5_sessions",
      evidence: {} as never,
      evidence_total: { answers: 20, sessions: 5 },
      sufficient_evidence: true,
      missing_components: [],
      renormalised: false,
      trigger: "test",
    },
    ...extra,
  };
}
