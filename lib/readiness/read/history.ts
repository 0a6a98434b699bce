/** A learner's readiness history: the stored snapshots, newest first. */
import type { Queryable } from "../../db/mod.ts";
import { type Snapshot, type SnapshotRow, toSnapshot } from "../snapshot.ts";

/** A learner's snapshots, newest first. */
export async function listSnapshots(
  sql: Queryable,
  userId: string,
  limit: number,
): Promise<Snapshot[]> {
  const rows = await sql<SnapshotRow[]>`
    select id, user_id, ts, readiness_overall, readiness_technical, readiness_communication,
           readiness_structure, readiness_behavioral, band, meta
    from analytics.user_readiness
    where user_id = ${userId}
    order by ts desc, id desc
    limit ${limit}`;
  return rows.map(toSnapshot);
}
