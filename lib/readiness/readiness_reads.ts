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
import { createHash } from "node:crypto";
import type { Queryable, Sql } from "../db/mod.ts";
import { COMPONENTS } from "./config.ts";

/** The history length of `GET /readiness` without `limit`: the one kept per learner. */
export const DEFAULT_HISTORY = 20;

/** `timestamptz` as `Date#toISOString` prints it (UTC, milliseconds, `Z`). */
export const isoText = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A snapshot of alias `s` as a JSON object, keys in the API's order; with `meta` as stored, or
 * without it (history entries). Scores go out as float8, which prints the shortest exact text of
 * a numeric(5, 2) value (57.9, not 57.90), as JavaScript does.
 */
export const snapshotJson = (withMeta: boolean) =>
  `json_build_object('id', s.id, 'user_id', s.user_id, 'ts', ${
    isoText("s.ts")
  }, 'overall', s.readiness_overall::float8, 'components', json_build_object(${
    COMPONENTS.map((c) => `'${c}', s.readiness_${c}::float8`).join(", ")
  }), 'band', s.band, 'formula_version', s.meta ->> 'formula_version'${
    withMeta ? ", 'meta', s.meta" : ""
  })`;

/**
 * One row per learner matched by `learners` (a condition on `l.user_id`) with their body for a
 * history of `limit`: snapshots matched by `snapshots` (the same condition on `r.user_id`),
 * numbered newest first per learner. Grouped by learner and windowed per learner, so that on
 * Citus it runs on each learner's shard.
 */
function bodiesSql(
  sql: Queryable,
  learners: ReturnType<Queryable>,
  snapshots: ReturnType<Queryable>,
  limit: number,
) {
  return sql`
    select l.user_id, json_build_object(
      'user_id', l.user_id,
      'latest', (array_agg(${sql.unsafe(snapshotJson(true))}) filter (where s.rn = 1))[1],
      -- Exact: the difference of two numeric(5, 2) values needs no rounding.
      'delta', (max(s.readiness_overall) filter (where s.rn = 1)
                - max(s.readiness_overall) filter (where s.rn = 2))::float8,
      'history', coalesce(json_agg(${sql.unsafe(snapshotJson(false))} order by s.rn)
                            filter (where s.rn <= ${limit}::int), '[]')
    )::text as body
    from analytics.learners l
    left join (
      select r.*, row_number() over (partition by r.user_id order by r.ts desc, r.id desc) as rn
      from analytics.user_readiness r
      where ${snapshots}
    ) s on s.user_id = l.user_id and s.rn <= greatest(${limit}::int, 2)
    where ${learners}
    group by l.user_id`;
}

/** Identifies the builder: a kept body built by other code (an older version) is not used. */
export const BUILDER = createHash("sha256")
  .update([bodiesSql.toString(), snapshotJson(true), snapshotJson(false)].join("\n"))
  .digest("hex")
  .slice(0, 16);

/**
 * The readiness body of `userId` with a history of `limit`, as JSON text; null when `userId` is
 * not a learner. The kept body when there is one for this history length (one primary-key
 * lookup), else built from the snapshots.
 */
export async function readinessBody(
  sql: Queryable,
  userId: string,
  limit: number,
): Promise<string | null> {
  if (limit === DEFAULT_HISTORY) {
    const [kept] = await sql<{ body: string }[]>`
      select body from analytics.readiness_reads
      where user_id = ${userId} and history_limit = ${limit}::int and builder = ${BUILDER}`;
    if (kept) return kept.body;
  }
  const [row] = await sql<{ body: string }[]>`${
    bodiesSql(sql, sql`l.user_id = ${userId}`, sql`r.user_id = ${userId}`, limit)
  }`;
  return row?.body ?? null;
}

/** Advisory lock class of the learners' rows kept from their snapshots ('PRdr' in ASCII). */
const KEPT_ROWS_LOCK = 0x50526472;
/** Learners share these many locks by user id: at most 1,024 locks a transaction, any batch. */
const KEPT_ROWS_BUCKETS = 1024;

/**
 * Holds, until the transaction ends, the locks of the learners' rows: taken first, before any
 * other lock or write, by every transaction that writes or deletes a learner's rows (ingest,
 * completion, profile writes, legacy placement, compute, recompute, rebuild, the fill of kept
 * reads, erase). Such transactions on one
 * learner run one after the other: the second sees what the first committed (a snapshot to build
 * the kept rows from, or a learner that is gone), and none waits for another's row locks while
 * holding this. Taken in bucket order, all at once: transactions never deadlock on them.
 */
export async function lockKeptRows(tx: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx`
    select pg_advisory_xact_lock(${KEPT_ROWS_LOCK}::int, b)
    from (
      select distinct hashtext(u::text) & ${KEPT_ROWS_BUCKETS - 1}::int as b
      from unnest(${userIds}::uuid[]) u
      order by 1
    ) buckets`;
}

/**
 * Rewrites the kept readiness bodies of `userIds` from their snapshots (after any change to
 * them), after `lockKeptRows`. Bodies that did not change are left alone; learners that no
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
      await lockKeptRows(tx, batch);
      await refreshReadinessReads(tx, batch);
    });
  }
  return ids.length;
}
