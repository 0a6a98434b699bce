/** Per-session scores of a learner: one point per session and skill, over a configured window. */
import type { Queryable } from "../../db/mod.ts";
import type { WindowSpec } from "../config.ts";
import type { SessionPoint } from "../snapshot.ts";
import { skillSessions } from "../sql.ts";

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
    with per_session as (${
    skillSessions(sql, { where: sql`e.user_id = ${userId} ${skill} ${days}` })
  })
    select skill_tag, session_id, first_ts as ts, score, answers from per_session ${last}
    order by skill_tag, ts, session_id`;
  return rows.map((r) => ({ ...r, ts: r.ts.toISOString() }));
}
