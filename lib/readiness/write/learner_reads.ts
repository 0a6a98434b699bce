/**
 * analytics.learner_reads: the kept trends and coaching bodies (read/kept_bodies.ts) are deleted by
 * every write of what they are built from; the next read builds and keeps them again.
 */
import type { Queryable } from "../../db/mod.ts";

/**
 * Deletes the kept trends and coaching bodies of `userIds`, in the transaction that changes their
 * answers, aggregates, snapshots or profile, after `lockLearners`.
 */
export async function forgetLearnerReads(tx: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx`delete from analytics.learner_reads where user_id = any(${userIds}::uuid[])`;
}
