/**
 * analytics.readiness_reads: the kept readiness bodies (default history), rewritten with the
 * learner's snapshots and filled for learners without one from this builder.
 */
import type { Queryable, Sql } from "../../db/mod.ts";
import { bodiesSql, BUILDER, DEFAULT_HISTORY } from "../sql.ts";
import { lockLearners } from "../../learners/lock.ts";
import { batchPlanning, inBatch } from "./moments.ts";

/**
 * Rewrites the kept readiness bodies of `userIds` from their snapshots (after any change to
 * them), after `lockLearners`. Bodies that did not change are left alone; learners that no
 * longer exist have none.
 */
export async function refreshReadinessReads(tx: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx`
    insert into analytics.readiness_reads as k (user_id, history_limit, builder, body)
    select b.user_id, ${DEFAULT_HISTORY}::int, ${BUILDER}, b.body
    from (${
    bodiesSql(
      tx,
      tx`${inBatch(tx, "l", userIds)}`,
      tx`${inBatch(tx, "r", userIds)}`,
      DEFAULT_HISTORY,
    )
  }) b
    on conflict (user_id) do update
      set history_limit = excluded.history_limit, builder = excluded.builder, body = excluded.body
    where (k.history_limit, k.builder, k.body)
      is distinct from (excluded.history_limit, excluded.builder, excluded.body)`;
}

/** What a fill of the kept bodies did: learners written, and what a run records of it. */
export interface KeptReadsFill {
  written: number;
  /** The builder every learner created before `since` has a kept body from. */
  builder: string;
  since: Date;
}

/**
 * Writes the kept body of every learner who has none from this builder: after an upgrade (a new
 * builder, or the table just created) and for learners added since. Once a run has recorded a
 * fill with this builder (`readiness_runs.kept_builder`, `kept_since`), only learners created
 * since are looked at: every other learner's body is rewritten with its snapshots in their
 * transaction (refreshReadinessReads). Batches of `batchSize`, one transaction each.
 */
export async function fillKeptReads(sql: Sql, batchSize: number): Promise<KeptReadsFill> {
  // Taken before the look-up: a learner whose creating transaction is still open then is created
  // at or after the oldest open transaction's start, so the next fill looks at them.
  const [{ since }] = await sql<{ since: Date }[]>`
    select least(now(), (select min(xact_start) from pg_stat_activity
                         where datname = current_database())) as since`;
  const [last] = await sql<{ kept_since: Date }[]>`
    select kept_since from analytics.readiness_runs
    where kept_builder = ${BUILDER} order by id desc limit 1`;
  const missing = (learners: ReturnType<Sql>) =>
    sql<{ user_id: string }[]>`
      select l.user_id from ${learners} l
      where not exists (
        select 1 from analytics.readiness_reads k
        where k.user_id = l.user_id and k.history_limit = ${DEFAULT_HISTORY}::int
          and k.builder = ${BUILDER})
      order by l.user_id`;
  let ids: string[];
  if (last) {
    // Only the learners created since the last fill (a scan of the narrow learners table), then
    // their kept bodies by key.
    const added = (await sql<{ user_id: string }[]>`
      select user_id from analytics.learners where created_at >= ${last.kept_since}`)
      .map((r) => r.user_id);
    ids = added.length === 0
      ? []
      : (await missing(sql`(select unnest(${added}::uuid[]) as user_id)`)).map((r) => r.user_id);
  } else {
    ids = (await missing(sql`analytics.learners`)).map((r) => r.user_id);
  }
  for (let i = 0; i < ids.length; i += batchSize) {
    await sql.begin(async (tx) => {
      const batch = ids.slice(i, i + batchSize);
      await lockLearners(tx, batch);
      await tx`select ${batchPlanning(tx)}`;
      await refreshReadinessReads(tx, batch);
    });
  }
  return { written: ids.length, builder: BUILDER, since };
}
