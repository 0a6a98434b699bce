/** readiness_pending: the marks of learners whose evidence changed since their last snapshot. */
import type postgres from "postgres";
import type { Queryable } from "../../db/mod.ts";

/** Per learner, the pending mark seen now: cleared later only if no newer mark came meanwhile. */
export async function pendingMarks(tx: Queryable, userIds: string[]) {
  return await tx<{ user_id: string; version: number }[]>`
    select user_id, version from analytics.readiness_pending
    where user_id = any(${userIds}::uuid[])`;
}

/** Clears the marks seen, unless a newer mark came meanwhile (its version differs). */
export async function clearMarks(tx: Queryable, marks: { user_id: string; version: number }[]) {
  if (marks.length === 0) return;
  await tx`
    delete from analytics.readiness_pending p
    using jsonb_to_recordset(${tx.json(marks as unknown as postgres.JSONValue)}::jsonb)
      as m(user_id uuid, version bigint)
    where p.user_id = m.user_id and p.version = m.version
      and p.user_id = any(${marks.map((m) => m.user_id)}::uuid[])`;
}
