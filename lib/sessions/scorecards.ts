/**
 * Scorecards: `analytics.scorecards` (one per learner's session) and
 * `analytics.unattached_scorecards` (legacy ones whose learner is not known yet). Inserted once;
 * an unattached one moves to its learner with its id.
 */
import type postgres from "postgres";
import type { Queryable } from "../db/mod.ts";
import { storedBy } from "./transcripts.ts";

/** Headline scores stored as columns; the rest of the scorecard stays in `scorecard_json`. */
export const SCORE_COLUMNS = ["bce_score", "mcf_score", "cpo_score"] as const;
export type ScoreColumn = (typeof SCORE_COLUMNS)[number];

export interface NewScorecard {
  sessionId: string;
  /** The learner; null → kept unattached until the learner is known. */
  userId: string | null;
  /** When the scorecard was produced; null → now(). */
  ts: string | null;
  scores: Partial<Record<ScoreColumn, number | null>>;
  /** The whole scorecard as received. */
  json: unknown;
}

export interface StoredScorecard {
  id: string;
  /** Null for an unattached scorecard. */
  user_id: string | null;
  session_id: string;
  ts: Date;
  bce_score: number | null;
  mcf_score: number | null;
  cpo_score: number | null;
  scorecard_json: unknown;
}

/**
 * Inserts unless the session has a scorecard already (the learner's, or an unattached one when
 * `userId` is null); returns the new id, or null when present.
 */
export async function insertScorecard(sql: Queryable, s: NewScorecard): Promise<string | null> {
  const ts = sql`coalesce(${s.ts}::timestamptz, now())`;
  const json = sql.json(s.json as postgres.JSONValue);
  const bce = s.scores.bce_score ?? null;
  const mcf = s.scores.mcf_score ?? null;
  const cpo = s.scores.cpo_score ?? null;
  const [row] = s.userId === null
    ? await sql<{ id: string }[]>`
      insert into analytics.unattached_scorecards
        (session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json)
      values (${s.sessionId}, ${ts}, ${bce}, ${mcf}, ${cpo}, ${json})
      on conflict (session_id) do nothing
      returning id`
    : await sql<{ id: string }[]>`
      insert into analytics.scorecards
        (user_id, session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json)
      values (${s.userId}, ${s.sessionId}, ${ts}, ${bce}, ${mcf}, ${cpo}, ${json})
      on conflict (user_id, session_id) do nothing
      returning id`;
  return row?.id ?? null;
}

/**
 * The stored scorecard of a session: the learner's when `userId` is given, else the unattached
 * one; null when there is none.
 */
export async function getScorecard(
  sql: Queryable,
  userId: string | null,
  sessionId: string,
): Promise<StoredScorecard | null> {
  const [row] = userId === null
    ? await sql<StoredScorecard[]>`
      select id, null::uuid as user_id, session_id, ts, bce_score, mcf_score, cpo_score,
             scorecard_json
      from analytics.unattached_scorecards where session_id = ${sessionId}`
    : await sql<StoredScorecard[]>`
      select id, user_id, session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json
      from analytics.scorecards where user_id = ${userId} and session_id = ${sessionId}`;
  return row ?? null;
}

/**
 * Which of `sessionIds` have a scorecard, and whose (null: unattached). `owners` are the sessions'
 * learners (owners.ts): a learner's scorecard is looked up under its learner.
 */
export async function storedScorecards(
  sql: Queryable,
  sessionIds: string[],
  owners: Map<string, string>,
): Promise<Map<string, string | null>> {
  if (sessionIds.length === 0) return new Map();
  const owned = sessionIds.filter((s) => owners.has(s));
  const users = [...new Set(owned.map((s) => owners.get(s)!))];
  const rows = await sql<{ session_id: string; user_id: string | null }[]>`
    select session_id, user_id from analytics.scorecards
    where user_id = any(${users}::uuid[]) and session_id = any(${owned}::uuid[])
    union all
    select session_id, null from analytics.unattached_scorecards
    where session_id = any(${sessionIds}::uuid[])`;
  return storedBy(rows, owners);
}
