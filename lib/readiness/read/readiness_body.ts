/**
 * The body of `GET /api/users/:userId/readiness`: the latest snapshot (with its meta), the delta to
 * the one before and the newest snapshots (without meta), built as JSON text by one SQL statement.
 *
 * The body of the default history length is kept per learner in `analytics.readiness_reads`,
 * rewritten in the same transaction as the learner's snapshots (`refreshReadinessReads`, called by
 * every path that writes or removes snapshots), so the most frequent read is one primary-key
 * lookup; every recompute run writes the ones missing (`fillKeptReads`). A kept body is used only
 * if this very builder made it (`BUILDER`, a hash of the statement's text) for the history length
 * asked; any other read is built from the snapshots.
 */
import type { Queryable } from "../../db/mod.ts";
import { bodiesSql, BUILDER, DEFAULT_HISTORY } from "../sql.ts";
import { lookUpKept } from "./kept_lookup.ts";

/** The kept bodies of `ids` (default history, this builder): one primary-key probe each. */
const keptBodies = (sql: Queryable, ids: string[]) =>
  sql<{ user_id: string; body: string }[]>`
    select user_id, body from analytics.readiness_reads
    where user_id = any(${ids}::uuid[]) and history_limit = ${DEFAULT_HISTORY}::int
      and builder = ${BUILDER}`;

/**
 * The readiness body of `userId` with a history of `limit`, as JSON text; null when `userId` is
 * not a learner. The kept body when there is one for this history length (one primary-key
 * lookup, with the concurrent reads of other learners: kept_lookup.ts), else built from the
 * snapshots.
 */
export async function readinessBody(
  sql: Queryable,
  userId: string,
  limit: number,
): Promise<string | null> {
  if (limit === DEFAULT_HISTORY) {
    const kept = await lookUpKept(sql, "readiness", userId, keptBodies);
    if (kept) return kept.body;
  }
  const [row] = await sql<{ body: string }[]>`${
    bodiesSql(sql, sql`l.user_id = ${userId}`, sql`r.user_id = ${userId}`, limit)
  }`;
  return row?.body ?? null;
}
