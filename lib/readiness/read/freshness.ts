/**
 * When a learner's readiness was last brought up to date, for the readiness card: read from what
 * is already stored (the pending mark, the latest run, the latest snapshot), nothing new kept.
 */
import type { Queryable } from "../../db/mod.ts";

export interface ReadinessFreshness {
  /** Answers newer than the readiness shown are waiting for the next run. */
  pending: boolean;
  /**
   * Latest moment the readiness shown is known to have reflected every answer (ISO): the later of
   * the latest run's start (a run leaves no learner behind who was marked when it began) and the
   * latest snapshot's time (written with the answers it reflects), never after now. Null when
   * neither exists.
   */
  updatedAt: string | null;
}

/** The freshness of `userId`'s readiness: three index lookups in one statement. */
export async function readinessFreshness(
  sql: Queryable,
  userId: string,
): Promise<ReadinessFreshness> {
  const [row] = await sql<{ pending: boolean; updated_at: Date | null }[]>`
    select exists (select 1 from analytics.readiness_pending where user_id = ${userId}) as pending,
           -- greatest and least skip nulls: least(now(), null) would be now.
           case when t.at is not null then least(now(), t.at) end as updated_at
    from (select greatest(
      (select started_at from analytics.readiness_runs order by id desc limit 1),
      (select max(ts) from analytics.user_readiness where user_id = ${userId})
    ) as at) t`;
  return { pending: row.pending, updatedAt: row.updated_at?.toISOString() ?? null };
}
