/** Per-session scores of a learner: one point per session and skill, over a configured window. */
import type { Queryable } from "../../db/mod.ts";
import type { WindowSpec } from "../config.ts";
import type { SessionPoint } from "../snapshot.ts";

/**
 * The learner's per-session average of each skill (or of `skillTag`) within `window`: the last N
 * sessions that touched the skill, or the sessions of the last N days. Oldest first per skill.
 */
export async function sessionScores(
  sql: Queryable,
  userId: string,
  window: Pick<WindowSpec, "kind" | "size">,
  options: { skillTag?: string } = {},
): Promise<SessionPoint[]> {
  const skill = options.skillTag ? sql`and e.skill_tag = ${options.skillTag}` : sql``;
  const days = window.kind === "days"
    ? sql`and e.ts > now() - make_interval(hours => 24 * ${window.size})`
    : sql``;
  const last = window.kind === "sessions" ? sql`where rn <= ${window.size}` : sql``;
  const rows = await sql<(Omit<SessionPoint, "ts"> & { ts: Date })[]>`
    with per_session as (
      select e.skill_tag, e.session_id, min(e.ts) as ts, round(avg(e.score), 2) as score,
             count(*)::int as answers,
             row_number() over (
               partition by e.skill_tag order by min(e.ts) desc, e.session_id desc) as rn
      from analytics.session_events e
      where e.user_id = ${userId} ${skill} ${days}
      group by e.skill_tag, e.session_id
    )
    select skill_tag, session_id, ts, score, answers from per_session ${last}
    order by skill_tag, ts, session_id`;
  return rows.map((r) => ({ ...r, ts: r.ts.toISOString() }));
}
