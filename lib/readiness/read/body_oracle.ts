/** Test oracle: the readiness body built the plain way, to compare the one-statement read with. */
import type { Sql } from "../../db/mod.ts";
import { deltaOf } from "../snapshot.ts";
import { listSnapshots } from "./history.ts";

/** The readiness body as the API built it from listSnapshots before the one-statement read. */
export async function readinessAsBefore(sql: Sql, userId: string, limit: number) {
  const snapshots = await listSnapshots(sql, userId, limit + 1);
  const [latest = null, previous] = snapshots;
  return {
    user_id: userId.toLowerCase(),
    latest,
    delta: latest ? deltaOf(latest.overall, previous?.overall) : null,
    history: snapshots.slice(0, limit).map(({ meta: _, ...summary }) => summary),
  };
}
