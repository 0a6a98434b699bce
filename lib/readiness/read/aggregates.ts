/** A learner's stored skill aggregates (user_skill_agg), as the API shows them. */
import type { Queryable } from "../../db/mod.ts";

export interface SkillAggregate {
  skill_tag: string;
  window_key: string;
  avg_score: number;
  sample_size: number;
  session_count: number;
  /** ISO time the figures last changed (a refresh that finds the same figures leaves the row). */
  last_updated: string;
}

/** A learner's stored aggregates (optionally of one skill or one window), by skill and window. */
export async function skillAggregates(
  sql: Queryable,
  userId: string,
  options: { skillTag?: string; windowKey?: string } = {},
): Promise<SkillAggregate[]> {
  const rows = await sql<(Omit<SkillAggregate, "last_updated"> & { last_updated: Date })[]>`
    select skill_tag, window_key, avg_score, sample_size, session_count, last_updated
    from analytics.user_skill_agg
    where user_id = ${userId}
      ${options.skillTag ? sql`and skill_tag = ${options.skillTag}` : sql``}
      ${options.windowKey ? sql`and window_key = ${options.windowKey}` : sql``}
    order by skill_tag, window_key`;
  return rows.map((r) => ({ ...r, last_updated: r.last_updated.toISOString() }));
}
