/**
 * The body of `GET /api/users/:userId/skills/trends`: per skill (in catalog order, one skill or
 * all), the per-session points of the window and the stored aggregates of every window.
 */
import type { Queryable } from "../../db/mod.ts";
import type { WindowSpec } from "../config.ts";
import type { SessionPoint } from "../snapshot.ts";
import type { SkillAggregate } from "./aggregates.ts";
import { trendsData } from "./trends.ts";
import type { Catalog } from "../../catalog.ts";

/** The trends answer of one learner, keys in the API's order. */
export interface TrendsBody {
  user_id: string;
  window: WindowSpec;
  skills: {
    skill_tag: string;
    label: string;
    points: Omit<SessionPoint, "skill_tag">[];
    aggregates: Omit<SkillAggregate, "skill_tag">[];
  }[];
}

/**
 * The trends body of `userId` for `window` (one skill or every skill), built from the answers and
 * the stored aggregates by one statement; null when `userId` is not a learner.
 */
export async function trendsBody(
  sql: Queryable,
  userId: string,
  window: WindowSpec,
  catalog: Catalog,
  skillTag?: string,
): Promise<TrendsBody | null> {
  const data = await trendsData(sql, userId, window, { skillTag });
  if (!data) return null;
  const points = Map.groupBy(data.points, (p) => p.skill_tag);
  const aggregates = Map.groupBy(data.aggregates, (a) => a.skill_tag);
  const skills = catalog.skills.filter((s) => !skillTag || s.tag === skillTag);
  return {
    user_id: userId.toLowerCase(),
    window,
    skills: skills.map((s) => ({
      skill_tag: s.tag,
      label: s.label,
      points: (points.get(s.tag) ?? []).map(({ skill_tag: _, ...p }) => p),
      aggregates: (aggregates.get(s.tag) ?? []).map(({ skill_tag: _, ...a }) => a),
    })),
  };
}
