/**
 * Session completion writer (`POST /api/sessions/:sessionId/complete`): marks the session
 * completed and stores its transcript and scorecard in one transaction, then takes the learner's
 * readiness snapshot. Re-sending a completion writes nothing twice.
 */
import { z } from "zod";
import type { Queryable, Sql } from "../db/mod.ts";
import { upsertSession } from "./answers.ts";
import { scoreValue } from "./schema.ts";
import { isoTimestamp, MAX_FUTURE_MS } from "../validation.ts";
import {
  type ComputedReadiness,
  computeUserReadiness,
  type ReadinessConfig,
  UnknownLearnerError,
} from "../readiness/mod.ts";
import { lockLearners } from "../learners/lock.ts";
import { refreshDirectory } from "../learners/directory_rows.ts";
import { assertNotErased, isErased, LearnerErasedError } from "../privacy/tombstones.ts";
import { transcriptLines } from "./normalise.ts";
import { attachSessions } from "./attach.ts";
import { insertScorecard, SCORE_COLUMNS } from "./scorecards.ts";
import { insertTranscript } from "./transcripts.ts";

/** Scenario recorded when a completion creates a session that no scored answer announced. */
export const UNKNOWN_SCENARIO = "unknown";
export const MAX_TRANSCRIPT_LINES = 20_000;

const headlineScores = Object.fromEntries(
  SCORE_COLUMNS.map((column) => [column, scoreValue.nullable().optional()]),
) as Record<(typeof SCORE_COLUMNS)[number], z.ZodOptional<z.ZodNullable<typeof scoreValue>>>;

/** zod schema of completion bodies. */
export const completionSchema = z.object({
  user_id: z.uuid(),
  /** Used only when the session row does not exist yet. */
  scenario_id: z.string().trim().min(1).max(200).optional(),
  completed_at: isoTimestamp({ maxFutureMs: MAX_FUTURE_MS }).optional(),
  transcript: z.union([
    z.array(z.unknown()).max(MAX_TRANSCRIPT_LINES),
    z.string(),
    z.record(z.string(), z.unknown()),
  ]),
  scorecard: z.looseObject(headlineScores).superRefine((card, ctx) => {
    // Any other `*_score` field is a score too: the same 0–100 rule as the headline columns.
    for (const [key, value] of Object.entries(card)) {
      if (!key.endsWith("_score") || (SCORE_COLUMNS as readonly string[]).includes(key)) continue;
      if (value !== null && !scoreValue.safeParse(value).success) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "a *_score field must be a number from 0 to 100 (or null)",
        });
      }
    }
  }),
}).strict();

export type CompletionRequest = z.infer<typeof completionSchema>;

export interface CompletionResult {
  session_id: string;
  user_id: string;
  completed_at: string;
  /** True when transcript and scorecard were both stored by an earlier request. */
  replayed: boolean;
  transcript: { api_id: number; lines: number; created: boolean };
  scorecard: { id: string; created: boolean };
  readiness: ComputedReadiness;
}

interface Written {
  completedAt: Date;
  writtenAt: Date;
  transcript: CompletionResult["transcript"];
  scorecard: CompletionResult["scorecard"];
}

async function writeCompletion(
  tx: Queryable,
  sessionId: string,
  body: CompletionRequest,
): Promise<Written> {
  const userId = body.user_id.toLowerCase();
  // The learner's lock before any row lock: the one order of every writer of a learner's rows.
  await lockLearners(tx, [userId]);
  // After the lock: an erase that committed before it is seen, one after it waits for this.
  await assertNotErased(tx, userId);
  // Claims the session for the learner (409 when it is another learner's).
  await upsertSession(tx, {
    sessionId,
    userId,
    scenarioId: body.scenario_id ?? UNKNOWN_SCENARIO,
    startedAt: null,
  });
  // A legacy transcript or scorecard stored before the learner was known is theirs now.
  await attachSessions(tx, [{ session_id: sessionId, user_id: userId }]);
  // The first completion time stays; a retry does not move it. Event time: without a completion
  // time, the session ended with its last answer (else now). The default is read first: Citus
  // refuses now() inside COALESCE in an UPDATE of a distributed table.
  const given = body.completed_at ?? (await tx<{ at: Date }[]>`
    select coalesce(max(e.ts), now()) as at from analytics.session_events e
    where e.user_id = ${userId} and e.session_id = ${sessionId}`)[0].at.toISOString();
  const [{ completed_at }] = await tx<{ completed_at: Date }[]>`
    update analytics.sessions
    set completed_at = coalesce(completed_at, ${given}::timestamptz)
    where user_id = ${userId} and session_id = ${sessionId}
    returning completed_at`;
  // The directory shows the session count and the last activity (the completion time).
  await refreshDirectory(tx, [userId]);
  const lines = transcriptLines(body.transcript);
  const apiId = await insertTranscript(tx, {
    sessionId,
    userId,
    lines,
    json: body.transcript,
  });
  const scorecardId = await insertScorecard(tx, {
    sessionId,
    userId,
    ts: completed_at.toISOString(),
    scores: body.scorecard,
    json: body.scorecard,
  });
  // What is stored now (new, from an earlier request, or attached legacy rows).
  const [stored] = await tx<
    { api_id: number; lines: number; scorecard_id: string; written_at: Date }[]
  >`
    select t.api_id, coalesce(cardinality(t.transcript_lines), 0)::int as lines,
           s.id as scorecard_id, greatest(t.created_at, s.created_at) as written_at
    from analytics.session_transcripts t
    join analytics.scorecards s on s.user_id = t.user_id and s.session_id = t.session_id
    where t.user_id = ${userId} and t.session_id = ${sessionId}`;
  return {
    completedAt: completed_at,
    writtenAt: stored.written_at,
    transcript: { api_id: stored.api_id, lines: stored.lines, created: apiId !== null },
    scorecard: { id: stored.scorecard_id, created: scorecardId !== null },
  };
}

/**
 * Stores a validated completion (one transaction), then returns it with the learner's readiness
 * snapshot. Throws SessionOwnerConflict when the session belongs to another learner,
 * LearnerErasedError when the learner is erased (before or during the completion).
 */
export async function completeSession(
  sql: Sql,
  sessionId: string,
  body: CompletionRequest,
  config: ReadinessConfig,
): Promise<CompletionResult> {
  const written = await sql.begin((tx) => writeCompletion(tx, sessionId, body));
  const replayed = !written.transcript.created && !written.scorecard.created;
  const userId = body.user_id.toLowerCase();
  // Outside the write transaction: a failed snapshot leaves the completion stored, and the
  // orchestrator's retry (or the next incremental recompute) takes the snapshot then. The snapshot
  // is as of the session's completion; a retry or a concurrent duplicate computes the same moment
  // and writes nothing (one snapshot per learner and moment, enforced by a unique key).
  const { written: _, ...readiness } = await computeUserReadiness(sql, userId, {
    trigger: "session_completed",
    config,
    sessionId,
  }).catch(async (error) => {
    // Erased since the write: the erase removed the completion with the rest.
    if (error instanceof UnknownLearnerError && await isErased(sql, userId)) {
      throw new LearnerErasedError(userId);
    }
    throw error;
  });
  return {
    session_id: sessionId.toLowerCase(),
    user_id: userId,
    completed_at: written.completedAt.toISOString(),
    replayed,
    transcript: written.transcript,
    scorecard: written.scorecard,
    readiness,
  };
}
