/** `analytics.scorecards`: one end-of-session scorecard per session, inserted once. */
import type postgres from "postgres";
import type { Queryable } from "../db/mod.ts";

/** Headline scores stored as columns; the rest of the scorecard stays in `scorecard_json`. */
export const SCORE_COLUMNS = ["bce_score", "mcf_score", "cpo_score"] as const;
export type ScoreColumn = (typeof SCORE_COLUMNS)[number];

export interface NewScorecard {
  sessionId: string;
  userId: string;
  /** When the scorecard was produced; null → now(). */
  ts: string | null;
  scores: Partial<Record<ScoreColumn, number | null>>;
  /** The whole scorecard as received. */
  json: unknown;
}

export interface StoredScorecard {
  id: string;
  user_id: string;
  session_id: string;
  ts: Date;
  bce_score: number | null;
  mcf_score: number | null;
  cpo_score: number | null;
  scorecard_json: unknown;
}

/** Inserts unless the session has one already; returns the new id, or null when present. */
export async function insertScorecard(sql: Queryable, s: NewScorecard): Promise<string | null> {
  const [row] = await sql<{ id: string }[]>`
    insert into analytics.scorecards
      (user_id, session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json)
    values (${s.userId}, ${s.sessionId}, coalesce(${s.ts}::timestamptz, now()),
            ${s.scores.bce_score ?? null}, ${s.scores.mcf_score ?? null}, ${
    s.scores.cpo_score ?? null
  },
            ${sql.json(s.json as postgres.JSONValue)})
    on conflict (session_id) do nothing
    returning id`;
  return row?.id ?? null;
}

/** The stored scorecard of a session, or null. */
export async function getScorecard(
  sql: Queryable,
  sessionId: string,
): Promise<StoredScorecard | null> {
  const [row] = await sql<StoredScorecard[]>`
    select id, user_id, session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json
    from analytics.scorecards where session_id = ${sessionId}`;
  return row ?? null;
}
