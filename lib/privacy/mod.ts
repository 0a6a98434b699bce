/**
 * Privacy operations on one learner: export every row, erase every row (and keep a tombstone, see
 * tombstones.ts). The tables are read from the catalog (every table of schema `analytics` with a
 * `user_id` column), so a table added by a later migration is covered without a change here.
 */
import type { Queryable, Sql } from "../db/mod.ts";
import { SESSION_DIRECTORY } from "../db/citus.ts";
import { lockLearners } from "../learners/lock.ts";
import { forgetDirectory } from "../learners/directory_rows.ts";
import { type ErasedBy, writeTombstone } from "./tombstones.ts";

export {
  assertNotErased,
  type ErasedBy,
  erasedLearners,
  erasedSessions,
  isErased,
  LearnerErasedError,
  liftTombstone,
  useErasureKey,
} from "./tombstones.ts";

export interface LearnerTable {
  /** Table name inside schema analytics. */
  name: string;
  /** Quoted, schema-qualified name from the catalog (safe to put in SQL text). */
  qualified: string;
  /** The table has a `session_id` column. */
  sessions: boolean;
}

/**
 * Every analytics table with a `user_id` column, ordered so that a table is listed before the
 * tables its foreign keys point to (deleting in this order never violates a foreign key).
 */
export async function learnerTables(sql: Queryable): Promise<LearnerTable[]> {
  const tables = await sql<(LearnerTable & { refs: string[] })[]>`
    select c.relname as name,
           format('%I.%I', n.nspname, c.relname) as qualified,
           exists (select 1 from pg_attribute a
                   where a.attrelid = c.oid and a.attname = 'session_id' and not a.attisdropped)
             as sessions,
           coalesce(array(
             select distinct r.relname::text from pg_constraint k
             join pg_class r on r.oid = k.confrelid
             where k.conrelid = c.oid and k.contype = 'f' and k.confrelid <> c.oid
           ), '{}') as refs
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'analytics' and c.relkind in ('r', 'p')
      and exists (select 1 from pg_attribute a
                  where a.attrelid = c.oid and a.attname = 'user_id' and not a.attisdropped)
    order by c.relname`;
  // Children first: repeatedly take the tables no remaining table references.
  const ordered: LearnerTable[] = [];
  let left = [...tables];
  while (left.length > 0) {
    const referenced = new Set(left.flatMap((t) => t.refs));
    const free = left.filter((t) => !referenced.has(t.name));
    const next = free.length > 0 ? free : [left[0]]; // a cycle: let the database decide
    ordered.push(...next.map(({ name, qualified, sessions }) => ({ name, qualified, sessions })));
    left = left.filter((t) => !next.includes(t));
  }
  return ordered;
}

/**
 * The session ids of the learner's rows (every per-learner table with a session_id column; the
 * directory of session owners aside), lower-case. Every claim of a session in the directory is
 * written with a row of that session in one of them, in one transaction.
 */
async function learnerSessions(
  tx: Queryable,
  tables: LearnerTable[],
  userId: string,
): Promise<string[]> {
  const own = tables.filter((t) => t.sessions && t.name !== SESSION_DIRECTORY.table);
  if (own.length === 0) return [];
  const rows = await tx.unsafe<{ session_id: string }[]>(
    own.map((t) => `select session_id from ${t.qualified} where user_id = $1`).join(" union ") +
      " order by 1",
    [userId],
  );
  return rows.map((r) => r.session_id);
}

/**
 * The learner's rows of `table` (a FROM item aliased `t`) and the statement's parameters. Every
 * per-learner table is filtered on user_id (one shard on Citus); the directory of session owners,
 * distributed by session id, on the learner's sessions too (the shards of those sessions, never
 * all of them).
 */
function learnerRows(
  table: LearnerTable,
  userId: string,
  sessions: string[],
): [string, string[] | [string, string[]]] {
  return table.name === SESSION_DIRECTORY.table
    ? [`${table.qualified} t where t.user_id = $1 and t.session_id = any($2::uuid[])`, [
      userId,
      sessions,
    ]]
    : [`${table.qualified} t where t.user_id = $1`, [userId]];
}

/** Every row of the learner in every analytics table, as JSON objects, keyed by table name. */
export async function exportLearner(
  sql: Sql,
  userId: string,
): Promise<Record<string, Record<string, unknown>[]>> {
  return await sql.begin("isolation level repeatable read read only", async (tx) => {
    const out: Record<string, Record<string, unknown>[]> = {};
    const tables = await learnerTables(tx);
    const sessions = await learnerSessions(tx, tables, userId);
    for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) {
      const [from, parameters] = learnerRows(table, userId, sessions);
      const [{ rows }] = await tx.unsafe<{ rows: Record<string, unknown>[] }[]>(
        `select coalesce(jsonb_agg(to_jsonb(t) order by to_jsonb(t)::text), '[]'::jsonb) as rows
         from ${from}`,
        parameters as never[],
      );
      out[table.name] = rows;
    }
    return out;
  });
}

/**
 * Deletes every row of the learner in one transaction and keeps their tombstone (`by`: who
 * erased); answers the count per table. Takes the learner's lock first, like every writer of their
 * rows: a writer of the learner waits for the erase (and then finds the tombstone), or the erase
 * waits for it (and then deletes what it wrote).
 */
export async function eraseLearner(
  sql: Sql,
  userId: string,
  by: ErasedBy = { role: "system", sub: "system" },
): Promise<Record<string, number>> {
  return await sql.begin(async (tx) => {
    await lockLearners(tx, [userId]);
    const tables = await learnerTables(tx);
    const sessions = await learnerSessions(tx, tables, userId);
    await writeTombstone(tx, userId, sessions, by);
    // Their directory row goes with their profile's count; the loop below finds it gone.
    const listed = await forgetDirectory(tx, userId);
    const deleted: Record<string, number> = {};
    for (const table of tables) {
      const [from, parameters] = learnerRows(table, userId, sessions);
      const result = await tx.unsafe(`delete from ${from}`, parameters as never[]);
      deleted[table.name] = result.count;
    }
    deleted.learner_directory = (deleted.learner_directory ?? 0) + listed;
    return Object.fromEntries(Object.entries(deleted).sort(([a], [b]) => a.localeCompare(b)));
  });
}
