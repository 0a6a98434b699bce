/** `analytics.session_transcripts`: one transcript per session, inserted once, never updated. */
import type postgres from "postgres";
import type { Queryable } from "../db/mod.ts";

export interface NewTranscript {
  sessionId: string;
  userId: string | null;
  /** Normalised lines (see normalise.ts). */
  lines: string[];
  /** The whole original document or payload. */
  json: unknown;
}

export interface StoredTranscript {
  api_id: number;
  user_id: string | null;
  session_id: string;
  transcript_lines: string[];
  transcript_json: unknown;
  created_at: Date;
}

/** True when the session already has a transcript. */
export async function transcriptExists(sql: Queryable, sessionId: string): Promise<boolean> {
  const rows = await sql`
    select 1 from analytics.session_transcripts where session_id = ${sessionId}`;
  return rows.length > 0;
}

/** Inserts unless the session has one already; returns the new `api_id`, or null when present. */
export async function insertTranscript(sql: Queryable, t: NewTranscript): Promise<number | null> {
  const [row] = await sql<{ api_id: number }[]>`
    insert into analytics.session_transcripts (user_id, session_id, transcript_lines, transcript_json)
    values (${t.userId}, ${t.sessionId}, ${sql.array(t.lines)}::text[],
            ${sql.json((t.json ?? null) as postgres.JSONValue)})
    on conflict (session_id) do nothing
    returning api_id`;
  return row?.api_id ?? null;
}

/** The stored transcript of a session, or null. */
export async function getTranscript(
  sql: Queryable,
  sessionId: string,
): Promise<StoredTranscript | null> {
  const [row] = await sql<StoredTranscript[]>`
    select api_id, user_id, session_id, transcript_lines, transcript_json, created_at
    from analytics.session_transcripts where session_id = ${sessionId}`;
  return row ?? null;
}
