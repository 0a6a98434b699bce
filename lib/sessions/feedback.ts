/**
 * Feedback reader (`GET /api/sessions/:sessionId/feedback`): transcript from Postgres, or from the
 * legacy blob when the session was never backfilled; scorecard; per-skill summary of the events.
 */
import type { Queryable } from "../db/mod.ts";
import type { ContainerClient } from "../legacy/blob.ts";
import { documentUserId, transcriptLines, transcriptOf } from "./normalise.ts";
import { getScorecard } from "./scorecards.ts";
import { getTranscript } from "./transcripts.ts";
import { sessionOwner } from "./owners.ts";

export interface SkillSummary {
  skill_tag: string;
  answers: number;
  avg_score: number;
  min_score: number;
  max_score: number;
}

export interface Feedback {
  session_id: string;
  /** The learner, when known (session row, stored rows or the blob's session.json). */
  user_id: string | null;
  /** Where the transcript came from ("db" also when there is no transcript at all). */
  source: "db" | "blob";
  transcript: {
    /** Stable numeric id of the stored transcript; null for a blob not backfilled yet. */
    api_id: number | null;
    lines: string[];
    json: unknown;
    created_at: string | null;
  } | null;
  scorecard: {
    id: string;
    ts: string;
    bce_score: number | null;
    mcf_score: number | null;
    cpo_score: number | null;
    scorecard_json: unknown;
  } | null;
  skills: SkillSummary[];
}

/** The legacy blob exists but is not valid JSON. */
export class InvalidBlobError extends Error {
  override name = "InvalidBlobError";
}

/** Per-skill average, minimum, maximum and count of a learner's session's scored answers. */
export async function sessionSkillSummary(
  sql: Queryable,
  userId: string,
  sessionId: string,
): Promise<SkillSummary[]> {
  return await sql<SkillSummary[]>`
    select skill_tag, count(*)::int as answers, round(avg(score), 2) as avg_score,
           min(score) as min_score, max(score) as max_score
    from analytics.session_events
    where user_id = ${userId} and session_id = ${sessionId}
    group by skill_tag
    order by skill_tag`;
}

/**
 * Reads a session's feedback; null when nothing is known of the session (no scored answers, no
 * transcript in Postgres or blob storage, no scorecard). A session with scored answers but no
 * transcript yet gives what exists: the per-skill summary, with null transcript and scorecard. `authorize(owner)` is called with the learner (or null when unknown) before anything
 * is returned and before the blob is read when the owner is already known; it throws to refuse.
 */
export async function readFeedback(
  sql: Queryable,
  container: ContainerClient | null,
  sessionId: string,
  authorize: (ownerId: string | null) => void,
): Promise<Feedback | null> {
  // The session's learner (events, completion, backfill or import claimed it), then that
  // learner's rows; rows stored while the learner was unknown are read from the unattached tables.
  const known = await sessionOwner(sql, sessionId);
  const stored = (known ? await getTranscript(sql, known, sessionId) : null) ??
    await getTranscript(sql, null, sessionId);
  const card = (known ? await getScorecard(sql, known, sessionId) : null) ??
    await getScorecard(sql, null, sessionId);
  let owner: string | null = known;

  let source: Feedback["source"] = "db";
  let transcript: Feedback["transcript"] = stored && {
    api_id: stored.api_id,
    lines: stored.transcript_lines ?? [],
    json: stored.transcript_json,
    created_at: stored.created_at.toISOString(),
  };
  if (!transcript && container) {
    // Refuse before touching storage when we already know whose session it is.
    if (owner) authorize(owner);
    const { readJsonBlob, sessionBlobName, transcriptBlobName } = await import("../legacy/blob.ts");
    const blob = await readJsonBlob(container, transcriptBlobName(sessionId));
    if (blob.status === "invalid") throw new InvalidBlobError(blob.error);
    if (blob.status === "ok") {
      source = "blob";
      transcript = {
        api_id: null,
        lines: transcriptLines(transcriptOf(blob.doc)),
        json: blob.doc,
        created_at: null,
      };
      if (!owner) {
        const meta = await readJsonBlob(container, sessionBlobName(sessionId));
        owner = meta.status === "ok" ? documentUserId(meta.doc) : null;
      }
    }
  }
  if (!transcript && !card && !known) return null;
  authorize(owner);
  return {
    session_id: sessionId.toLowerCase(),
    user_id: owner,
    source,
    transcript,
    scorecard: card && {
      id: card.id,
      ts: card.ts.toISOString(),
      bce_score: card.bce_score,
      mcf_score: card.mcf_score,
      cpo_score: card.cpo_score,
      scorecard_json: card.scorecard_json,
    },
    skills: known ? await sessionSkillSummary(sql, known, sessionId) : [],
  };
}
