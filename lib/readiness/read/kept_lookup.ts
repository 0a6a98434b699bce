/**
 * Kept bodies looked up by learner, the concurrent reads of one kind together: a read that arrives
 * while a lookup of its kind is running waits for it to end and goes with the others that arrived
 * meanwhile, in one statement (`user_id = any(…)`, one primary-key probe per learner). Under load
 * this replaces a statement per request — its round trip through the driver and the server's work
 * per statement, which cost about as much as the rest of a request — by one per few dozen.
 *
 * A lookup starts after every read it answers arrived (never joins one already sent), so it sees
 * whatever was committed before the read came in, as a statement of its own would. Lookups of
 * different kinds, of a transaction (its own batcher: keyed by the client it was given) or of ids
 * that are not UUID text in the canonical form run as before: one statement per read.
 */
import { Batcher } from "../../async.ts";
import type { Queryable } from "../../db/mod.ts";

/** UUID text as the API accepts it (any case); the lookups key the answer rows by it, lowercased. */
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Most learners in one lookup statement. */
export const MAX_LOOKUP = 128;

/** Looks up the rows of `ids` (lowercase UUID text): the answer row of each id that has one. */
export type LookupRows<R> = (sql: Queryable, ids: string[]) => Promise<(R & { user_id: string })[]>;

const batchers = new WeakMap<Queryable, Map<string, Batcher<string, unknown>>>();

/**
 * The row of `userId` that `lookup` finds (null: none), looked up with the concurrent calls of the
 * same `kind` on the same `sql` (see the module comment). `kind` names the statement and every
 * value it binds besides the ids: calls with the same kind must mean the same lookup.
 */
export function lookUpKept<R>(
  sql: Queryable,
  kind: string,
  userId: string,
  lookup: LookupRows<R>,
): Promise<R | null> {
  if (!UUID_TEXT.test(userId)) {
    return lookup(sql, [userId]).then((rows) => rows[0] ?? null);
  }
  let byKind = batchers.get(sql);
  if (!byKind) batchers.set(sql, byKind = new Map());
  let batcher = byKind.get(kind) as Batcher<string, R | null> | undefined;
  if (!batcher) {
    batcher = new Batcher<string, R | null>(async (ids) => {
      const rows = await lookup(sql, [...new Set(ids)]);
      const found = new Map(rows.map((r) => [r.user_id, r]));
      return ids.map((id) => found.get(id) ?? null);
    }, { max: MAX_LOOKUP });
    byKind.set(kind, batcher as Batcher<string, unknown>);
  }
  return batcher.add(userId.toLowerCase());
}
