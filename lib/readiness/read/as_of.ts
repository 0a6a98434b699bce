/**
 * Readiness as of given moments under a given formula, read-only: the window averages as of each
 * moment in one set-based statement (the recompute's own machinery), scored in TypeScript. Used to
 * judge a candidate formula against the current one without writing a snapshot.
 */
import type { Queryable } from "../../db/mod.ts";
import type { ReadinessConfig } from "../config.ts";
import { scoreReadiness, type SkillAverage } from "../formula.ts";
import { momentsOf, windowAsOf } from "../write/moments.ts";

/** A learner and the instant to compute their readiness at (text keeps microseconds). */
export interface AsOfPair {
  user_id: string;
  at: Date | string;
}

/** A learner's readiness as of one moment under one formula. */
export interface ReadinessAsOf {
  user_id: string;
  at: Date | string;
  /** Rounded to 2 places, as a snapshot stores it; null without any evidence. */
  overall: number | null;
  band: string;
  sufficient: boolean;
  formula_version: string;
}

const text = (at: Date | string) => typeof at === "string" ? at : at.toISOString();
/** Moments match on learner and millisecond (the instant as Postgres and JavaScript both read it). */
const keyOf = (userId: string, at: Date | string) =>
  `${userId.toLowerCase()} ${new Date(text(at)).getTime()}`;

/**
 * Each pair's readiness under each config, in the pairs' order (one array per config). Configs
 * with the same readiness window share one statement; the formula is applied in TypeScript.
 */
export async function readinessAsOfEach(
  sql: Queryable,
  pairs: readonly AsOfPair[],
  configs: readonly ReadinessConfig[],
): Promise<ReadinessAsOf[][]> {
  const ids = [...new Set(pairs.map((p) => p.user_id.toLowerCase()))].sort();
  const moments = pairs.map((p) => ({ user_id: p.user_id.toLowerCase(), t: text(p.at) }));
  // Per readiness window: the skills' window averages per moment key.
  const windows = new Map<string, Map<string, SkillAverage[]>>();
  const out: ReadinessAsOf[][] = [];
  for (const config of configs) {
    const spec = JSON.stringify(config.windows.find((w) => w.key === config.readiness_window));
    let byKey = windows.get(spec);
    if (!byKey) {
      byKey = new Map();
      if (ids.length > 0) {
        const rows = await windowAsOf(
          sql,
          momentsOf(sql, ids, { kind: "moments", moments }),
          config,
          false,
          ids,
        );
        for (const { moment, skills } of rows.values()) {
          byKey.set(keyOf(moment.user_id, moment.t), skills);
        }
      }
      windows.set(spec, byKey);
    }
    out.push(pairs.map((p) => {
      const skills = byKey.get(keyOf(p.user_id, p.at)) ?? [];
      const score = scoreReadiness(skills, config, { trigger: "as_of" });
      return {
        user_id: p.user_id.toLowerCase(),
        at: p.at,
        overall: score.overall,
        band: score.band,
        sufficient: score.meta.sufficient_evidence,
        formula_version: config.formula_version,
      };
    }));
  }
  return out;
}

/** Each pair's readiness as of its moment under `config`, in the pairs' order; writes nothing. */
export async function readinessAsOf(
  sql: Queryable,
  pairs: readonly AsOfPair[],
  config: ReadinessConfig,
): Promise<ReadinessAsOf[]> {
  const [each] = await readinessAsOfEach(sql, pairs, [config]);
  return each;
}
