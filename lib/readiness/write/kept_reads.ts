/**
 * analytics.readiness_reads: the kept readiness bodies (default history), rewritten with the
 * learner's snapshots and filled for learners without one from this builder.
 */
import type { Queryable, Sql } from "../../db/mod.ts";
import { bodiesSql, BUILDER, DEFAULT_HISTORY } from "../sql.ts";
import { lockLearners } from "../../learners/lock.ts";

/**
 * Rewrites the kept readiness bodies of `userIds` from their snapshots (after any change to
 * them), after `lockLearners`. Bodies that did not change are left alone; learners that no
 * longer exist have none.
 */
export async function refreshReadinessReads(tx: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const ids = tx`${userIds}::uuid[]`;
  await tx`
    insert into analytics.readiness_reads as k (user_id, history_limit, builder, body)
    select b.user_id, ${DEFAULT_HISTORY}::int, ${BUILDER}, b.body
    from (${
    bodiesSql(tx, tx`l.user_id = any(${ids})`, tx`r.user_id = any(${ids})`, DEFAULT_HISTORY)
  }) b
    on conflict (user_id) do update
      set history_limit = excluded.history_limit, builder = excluded.builder, body = excluded.body
    where (k.history_limit, k.builder, k.body)
      is distinct from (excluded.history_limit, excluded.builder, excluded.body)`;
}

/**
 * Writes the kept body of every learner who has none from this builder: after an upgrade (a new
 * builder, or the table just created) and for learners added since. Batches of `batchSize`, one
 * transaction each; returns how many learners it wrote.
 */
export async function fillKeptReads(sql: Sql, batchSize: number): Promise<number> {
  const ids = (await sql<{ user_id: string }[]>`
    select l.user_id from analytics.learners l
    where not exists (
      select 1 from analytics.readiness_reads k
      where k.user_id = l.user_id and k.history_limit = ${DEFAULT_HISTORY}::int
        and k.builder = ${BUILDER})
    order by l.user_id`).map((r) => r.user_id);
  for (let i = 0; i < ids.length; i += batchSize) {
    await sql.begin(async (tx) => {
      const batch = ids.slice(i, i + batchSize);
      await lockLearners(tx, batch);
      await refreshReadinessReads(tx, batch);
    });
  }
  return ids.length;
}
