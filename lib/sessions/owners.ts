/**
 * `analytics.session_owners`: which learner a session belongs to. The per-learner tables are keyed
 * by (user_id, session_id), so this table, keyed by session_id alone, is what keeps one session id
 * to one learner: every writer claims the session here first.
 */
import type { Queryable } from "../db/mod.ts";

export interface SessionClaim {
  session_id: string;
  user_id: string;
}

/**
 * Claims each session for its learner unless it already has one; returns the owner of every
 * session named (the claimant, or the learner who had it first). Sessions are claimed in id order
 * so that concurrent claims never deadlock.
 */
export async function claimSessions(
  tx: Queryable,
  claims: SessionClaim[],
): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  if (claims.length === 0) return owners;
  const unique = [
    ...new Map(claims.map((c) => [c.session_id.toLowerCase(), c.user_id.toLowerCase()])),
  ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const ids = unique.map(([s]) => s);
  // The claims as rows of `values` (on Citus each goes straight to its session's shard), then
  // the owners of the sessions already claimed (by this learner or another).
  const claimed = await tx<SessionClaim[]>`
    insert into analytics.session_owners ${
    tx(unique.map(([session_id, user_id]) => ({ session_id, user_id })), "session_id", "user_id")
  }
    on conflict (session_id) do nothing
    returning session_id, user_id`;
  for (const r of claimed) owners.set(r.session_id, r.user_id);
  const taken = ids.filter((s) => !owners.has(s));
  if (taken.length > 0) { for (const [s, u] of await sessionOwners(tx, taken)) owners.set(s, u); }
  return owners;
}

/** The owners of the sessions that have one. */
export async function sessionOwners(
  sql: Queryable,
  sessionIds: string[],
): Promise<Map<string, string>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await sql<SessionClaim[]>`
    select session_id, user_id from analytics.session_owners
    where session_id = any(${sessionIds.map((s) => s.toLowerCase())}::uuid[])`;
  return new Map(rows.map((r) => [r.session_id, r.user_id]));
}

/** The learner a session belongs to, or null when no writer has claimed it. */
export async function sessionOwner(sql: Queryable, sessionId: string): Promise<string | null> {
  const [row] = await sql<{ user_id: string }[]>`
    select user_id from analytics.session_owners where session_id = ${sessionId}`;
  return row?.user_id ?? null;
}
