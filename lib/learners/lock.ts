/**
 * The per-learner write lock: every transaction that writes or deletes a learner's snapshots or the
 * rows kept from them takes it first, before any write.
 */
import type { Queryable } from "../db/mod.ts";

/** Advisory lock class of the learners' rows kept from their snapshots ('PRdr' in ASCII). */
const KEPT_ROWS_LOCK = 0x50526472;
/**
 * Learners share these many locks by user id: at most 4,096 locks a transaction, any batch (inside
 * the default lock table of 64 × 100 = 6,400), while a batch of 1,000 learners holds about a fifth
 * of them, so a write for another learner seldom waits behind a recompute batch.
 */
const KEPT_ROWS_BUCKETS = 4096;

/** The lock bucket of the learner id `id` (a uuid expression), the one definition of it. */
const bucketOf = (sql: Queryable, id: ReturnType<Queryable["unsafe"]>) =>
  sql`(hashtext(${id}::text) & ${KEPT_ROWS_BUCKETS - 1}::int)`;

/**
 * Holds, until the transaction ends, the locks of the learners' rows: taken first, before any
 * other lock or write, by every transaction that writes or deletes a learner's rows (ingest,
 * completion, profile writes, legacy placement, compute, recompute, rebuild, the fill of kept
 * reads, erase). Such transactions on one learner run one after the other: the second sees what the first committed (a snapshot to build
 * the kept rows from, or a learner that is gone), and none waits for another's row locks while
 * holding this. Taken in bucket order, all at once: transactions never deadlock on them.
 */
export async function lockLearners(tx: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx`
    select pg_advisory_xact_lock(${KEPT_ROWS_LOCK}::int, b)
    from (
      select distinct ${bucketOf(tx, tx`u`)} as b
      from unnest(${userIds}::uuid[]) u
      order by 1
    ) buckets`;
}

/**
 * Takes the lock of one learner's rows if it is free, without waiting (until the transaction
 * ends); false when a writer of the learner holds it. For a reader that keeps what it read.
 */
export async function tryLockLearner(tx: Queryable, userId: string): Promise<boolean> {
  const [{ locked }] = await tx<{ locked: boolean }[]>`
    select pg_try_advisory_xact_lock(
      ${KEPT_ROWS_LOCK}::int, ${bucketOf(tx, tx`${userId}::uuid`)}
    ) as locked`;
  return locked;
}

/**
 * `userIds` split into `lanes` lists whose locks never overlap: each lane holds the learners of a
 * contiguous range of lock buckets (in id order within it), so transactions of different lanes
 * never wait for each other's learner locks (a recompute runs its lanes side by side).
 */
export async function disjointLanes(
  sql: Queryable,
  userIds: string[],
  lanes: number,
): Promise<string[][]> {
  const out: string[][] = Array.from({ length: lanes }, () => []);
  if (userIds.length === 0) return out;
  const rows = await sql<{ user_id: string; b: number }[]>`
    select u::text as user_id, ${bucketOf(sql, sql`u`)} as b
    from unnest(${userIds}::uuid[]) u
    order by u`;
  for (const { user_id, b } of rows) out[Math.floor((b * lanes) / KEPT_ROWS_BUCKETS)].push(user_id);
  return out;
}
