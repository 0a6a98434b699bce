/**
 * The read behind the trends API, one statement: the learner check, the per-session points and the
 * stored aggregates in a single round trip. Filters on `user_id` (one shard on Citus); times come
 * back as ISO text.
 */
import type { Queryable } from "../../db/mod.ts";
import type { WindowSpec } from "../config.ts";
import type { SessionPoint } from "../snapshot.ts";
import { isoText, skillSessions } from "../sql.ts";
import type { SkillAggregate } from "./aggregates.ts";

/** What the trends API shows of a learner: per-session points and stored aggregates. */
export interface TrendsData {
  /** Per skill (ordered by skill tag), oldest first, as `sessionScores` returns them. */
  points: SessionPoint[];
  /** By skill and window, as `skillAggregates` returns them. */
  aggregates: (SkillAggregate & { skill_tag: string })[];
}

/**
 * The learner's per-session points within `window` (one skill or all), as `sessionScores` returns
 * them, as one JSON array expression: per skill (ordered by skill tag), oldest first.
 */
export function sessionPointsJson(
  sql: Queryable,
  userId: string,
  window: Pick<WindowSpec, "kind" | "size">,
  skillTag?: string,
) {
  const days = window.kind === "days"
    ? sql`and e.ts > now() - make_interval(hours => 24 * ${window.size})`
    : sql``;
  const last = window.kind === "sessions" ? sql`where rn <= ${window.size}` : sql``;
  const skill = skillTag ? sql`and e.skill_tag = ${skillTag}` : sql``;
  return sql`(select coalesce(json_agg(json_build_object(
                'skill_tag', p.skill_tag, 'session_id', p.session_id,
                'ts', ${sql.unsafe(isoText("p.ts"))}, 'score', p.score, 'answers', p.answers)
              order by p.skill_tag, p.ts, p.session_id), '[]')
       from (
         select s.skill_tag, s.session_id, s.first_ts as ts, s.score, s.answers, s.rn
         from (${skillSessions(sql, { where: sql`e.user_id = ${userId} ${skill} ${days}` })}) s
       ) p ${last})`;
}

/**
 * `sessionScores` and `skillAggregates` of one learner (one skill or all) in one statement; null
 * when `userId` is not a learner.
 */
export async function trendsData(
  sql: Queryable,
  userId: string,
  window: Pick<WindowSpec, "kind" | "size">,
  options: { skillTag?: string } = {},
): Promise<TrendsData | null> {
  const tag = options.skillTag;
  const [row] = await sql<({ known: boolean } & TrendsData)[]>`
    select
      exists (select 1 from analytics.learners where user_id = ${userId}) as known,
      ${sessionPointsJson(sql, userId, window, tag)} as points,
      (select coalesce(json_agg(json_build_object(
                'skill_tag', a.skill_tag, 'window_key', a.window_key, 'avg_score', a.avg_score,
                'sample_size', a.sample_size, 'session_count', a.session_count,
                'last_updated', ${sql.unsafe(isoText("a.last_updated"))})
              order by a.skill_tag, a.window_key), '[]')
       from analytics.user_skill_agg a
       where a.user_id = ${userId} ${tag ? sql`and a.skill_tag = ${tag}` : sql``}) as aggregates`;
  return row.known ? { points: row.points, aggregates: row.aggregates } : null;
}
