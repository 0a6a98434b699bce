/**
 * Transcripts: `analytics.session_transcripts` (one per learner's session) and
 * `analytics.unattached_transcripts` (legacy ones whose learner is not known yet). Inserted once,
 * never updated; an unattached one moves to its learner with its id and api_id.
 */
import type postgres from "postgres";
import type { Queryable } from "../db/mod.ts";

export interface NewTranscript {
  sessionId: string;
  /** The learner; null → kept unattached until the learner is known. */
  userId: string | null;
  /** Normalised lines (see normalise.ts). */
  lines: string[];
  /** The whole original document or payload. */
  json: unknown;
}

export interface StoredTranscript {
  api_id: number;
  /** Null for an unattached transcript. */
  user_id: string | null;
  session_id: string;
  transcript_lines: string[];
  transcript_json: unknown;
  created_at: Date;
}

/** Transcripts of one `insert … values` statement (4 parameters each). */
const TRANSCRIPTS_PER_INSERT = 1_000;

function asJson(value: unknown): postgres.JSONValue {
  return (value ?? null) as postgres.JSONValue;
}

/**
 * Inserts unless the session has a transcript already (the learner's, or an unattached one when
 * `userId` is null); returns the new `api_id`, or null when present. Attach first (attach.ts) so
 * that an unattached transcript of the session counts as present.
 */
export async function insertTranscript(sql: Queryable, t: NewTranscript): Promise<number | null> {
  // One transcript in, at most one row out (read by position: the key is the stored, lower-case id).
  const [apiId = null] = (await insertTranscripts(sql, [t])).values();
  return apiId;
}

/**
 * Inserts many transcripts in at most two statements (learners' and unattached); returns the
 * `api_id` of each session inserted. Sessions that have a transcript already are left as they are.
 */
export async function insertTranscripts(
  sql: Queryable,
  transcripts: NewTranscript[],
): Promise<Map<string, number>> {
  const rows = (list: NewTranscript[]) =>
    sql.json(list.map((t) => ({
      user_id: t.userId,
      session_id: t.sessionId,
      lines: t.lines,
      json: asJson(t.json),
    })));
  const attached = transcripts.filter((t) => t.userId !== null);
  const unattached = transcripts.filter((t) => t.userId === null);
  const inserted = new Map<string, number>();
  // The learners' transcripts as rows of `values`: on Citus each row goes straight to its
  // learner's shard (a learner's completion: one shard), not through the coordinator.
  for (let i = 0; i < attached.length; i += TRANSCRIPTS_PER_INSERT) {
    const values = attached.slice(i, i + TRANSCRIPTS_PER_INSERT).map((t) => ({
      user_id: t.userId,
      session_id: t.sessionId,
      transcript_lines: t.lines,
      transcript_json: sql.json(asJson(t.json)),
    }));
    const written = await sql<{ session_id: string; api_id: number }[]>`
      insert into analytics.session_transcripts ${
      sql(values, "user_id", "session_id", "transcript_lines", "transcript_json")
    }
      on conflict (user_id, session_id) do nothing
      returning session_id, api_id`;
    for (const r of written) inserted.set(r.session_id, r.api_id);
  }
  if (unattached.length > 0) {
    const written = await sql<{ session_id: string; api_id: number }[]>`
      insert into analytics.unattached_transcripts (session_id, transcript_lines, transcript_json)
      select session_id, array(select jsonb_array_elements_text(lines)), json
      from jsonb_to_recordset(${rows(unattached)}::jsonb)
        as r(session_id uuid, lines jsonb, json jsonb)
      on conflict (session_id) do nothing
      returning session_id, api_id`;
    for (const r of written) inserted.set(r.session_id, r.api_id);
  }
  return inserted;
}

/**
 * The stored transcript of a session: the learner's when `userId` is given, else the unattached
 * one; null when there is none.
 */
export async function getTranscript(
  sql: Queryable,
  userId: string | null,
  sessionId: string,
): Promise<StoredTranscript | null> {
  const [row] = userId === null
    ? await sql<StoredTranscript[]>`
      select api_id, null::uuid as user_id, session_id, transcript_lines, transcript_json, created_at
      from analytics.unattached_transcripts where session_id = ${sessionId}`
    : await sql<StoredTranscript[]>`
      select api_id, user_id, session_id, transcript_lines, transcript_json, created_at
      from analytics.session_transcripts where user_id = ${userId} and session_id = ${sessionId}`;
  return row ?? null;
}

/**
 * Which of `sessionIds` have a transcript, and whose (null: unattached). `owners` are the sessions'
 * learners (owners.ts): a learner's transcript is looked up under its learner.
 */
export async function storedTranscripts(
  sql: Queryable,
  sessionIds: string[],
  owners: Map<string, string>,
): Promise<Map<string, string | null>> {
  if (sessionIds.length === 0) return new Map();
  const owned = sessionIds.filter((s) => owners.has(s));
  const users = [...new Set(owned.map((s) => owners.get(s)!))];
  const rows = await sql<{ session_id: string; user_id: string | null }[]>`
    select session_id, user_id from analytics.session_transcripts
    where user_id = any(${users}::uuid[]) and session_id = any(${owned}::uuid[])
    union all
    select session_id, null from analytics.unattached_transcripts
    where session_id = any(${sessionIds}::uuid[])`;
  return storedBy(rows, owners);
}

/**
 * Rows found (learner's or unattached) → whose each session's copy is. The learner's copy wins
 * over an unattached one of the same session: it is the one that counts (and `union all` promises
 * no order to decide by).
 */
export function storedBy(
  rows: { session_id: string; user_id: string | null }[],
  owners: Map<string, string>,
): Map<string, string | null> {
  const stored = new Map<string, string | null>();
  for (const r of rows) {
    if (r.user_id === null && !stored.has(r.session_id)) stored.set(r.session_id, null);
  }
  for (const r of rows) {
    if (r.user_id !== null && owners.get(r.session_id) === r.user_id) {
      stored.set(r.session_id, r.user_id);
    }
  }
  return stored;
}
