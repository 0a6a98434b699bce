/** Write path of scored answers: one session_events row per answer × skill, idempotent. */
import type postgres from "postgres";
import type { Queryable, Sql } from "../db/mod.ts";
import { DomainConflict } from "../errors.ts";
import type { EventsRequest } from "./schema.ts";
import { claimSessions } from "./owners.ts";
import { lockLearners } from "../learners/lock.ts";
import { assertNotErased } from "../privacy/tombstones.ts";
import { forgetLearnerReads } from "../readiness/write/learner_reads.ts";
import { type LowSkillRule, refreshActivity } from "./activity.ts";

export interface CaptureResult {
  session_id: string;
  rows: number;
  inserted: number;
  already_present: number;
}

/** Thrown when the session already belongs to another learner. */
export class SessionOwnerConflict extends DomainConflict {
  override name = "SessionOwnerConflict";
}

/**
 * Ensures learner and session rows exist, the session claimed for the learner; throws
 * SessionOwnerConflict when another learner has the session.
 */
export async function upsertSession(
  tx: Queryable,
  session: { sessionId: string; userId: string; scenarioId: string; startedAt: string | null },
): Promise<void> {
  const owners = await claimSessions(tx, [{
    session_id: session.sessionId,
    user_id: session.userId,
  }]);
  if (owners.get(session.sessionId.toLowerCase()) !== session.userId.toLowerCase()) {
    throw new SessionOwnerConflict(`session ${session.sessionId} belongs to another learner`);
  }
  await tx`insert into analytics.learners (user_id) values (${session.userId}) on conflict (user_id) do nothing`;
  await tx`
    insert into analytics.sessions (session_id, user_id, scenario_id, started_at)
    values (${session.sessionId}, ${session.userId}, ${session.scenarioId}, ${session.startedAt})
    on conflict (user_id, session_id) do update
      set started_at = least(analytics.sessions.started_at, excluded.started_at)
      where excluded.started_at < analytics.sessions.started_at
         or (analytics.sessions.started_at is null and excluded.started_at is not null)`;
}

/** One session_events row: an answer's score for one skill. */
export interface EventRow {
  session_id: string;
  answer_id: string;
  ts: string;
  scenario_id: string;
  pulse_step: string;
  skill_tag: string;
  score: number;
  raw_metrics: Record<string, unknown> | null;
  notes: string | null;
}

/** Rows of one `insert … values` statement: well inside the protocol's 65,535 parameters. */
const ROWS_PER_INSERT = 5_000;

/**
 * Inserts one learner's rows as `insert … values` statements (one per 5,000 rows), then marks the
 * learner's readiness due when any was new; rows already stored (same session, answer and skill)
 * are left as they are. Returns how many were new. On Citus each statement names the learner in
 * every row, so it goes to the learner's shard alone, the rows straight from the app.
 */
export async function insertEventRows(
  tx: Queryable,
  userId: string,
  rows: EventRow[],
  rule: LowSkillRule,
): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const values = rows.slice(i, i + ROWS_PER_INSERT).map((r) => ({
      user_id: userId,
      ...r,
      raw_metrics: r.raw_metrics === null
        ? null
        : tx.json(r.raw_metrics as unknown as postgres.JSONValue),
    }));
    const written = await tx`
      insert into analytics.session_events ${
      tx(
        values,
        "user_id",
        "session_id",
        "answer_id",
        "ts",
        "scenario_id",
        "pulse_step",
        "skill_tag",
        "score",
        "raw_metrics",
        "notes",
      )
    }
      on conflict (user_id, session_id, answer_id, skill_tag) do nothing`;
    inserted += written.count;
  }
  if (inserted > 0) {
    // New evidence: the learner's readiness is due for the next incremental recompute.
    // (The time travels in the inserted row: Citus takes only immutable expressions in DO UPDATE.)
    await tx`
      insert into analytics.readiness_pending (user_id, marked_at)
      values (${userId}, now())
      on conflict (user_id) do update
        set version = analytics.readiness_pending.version + 1, marked_at = excluded.marked_at`;
    // New answers change the learner's kept trends and coaching bodies, and what is kept of
    // their activity (last answer, persistently low skills).
    await forgetLearnerReads(tx, [userId]);
    await refreshActivity(tx, [userId], rule);
  }
  return inserted;
}

/** Stores a validated batch in one transaction; re-sending it inserts nothing. */
export async function captureEvents(
  sql: Sql,
  sessionId: string,
  body: EventsRequest,
  rule: LowSkillRule,
): Promise<CaptureResult> {
  const rows: EventRow[] = body.answers.flatMap((a) =>
    Object.entries(a.scores).map(([skill_tag, score]) => ({
      session_id: sessionId,
      answer_id: a.answer_id,
      ts: a.ts,
      scenario_id: body.scenario_id,
      pulse_step: a.pulse_step,
      skill_tag,
      score,
      raw_metrics: a.raw_metrics ?? null,
      notes: a.notes ?? null,
    }))
  );
  const startedAt = body.answers.reduce(
    (min, a) => (Date.parse(a.ts) < Date.parse(min) ? a.ts : min),
    body.answers[0].ts,
  );
  return await sql.begin(async (tx) => {
    // The learner's lock before any row lock: the one order of every writer of a learner's rows.
    await lockLearners(tx, [body.user_id.toLowerCase()]);
    // After the lock: an erase that committed before it is seen, one after it waits for this.
    await assertNotErased(tx, body.user_id);
    await upsertSession(tx, {
      sessionId,
      userId: body.user_id,
      scenarioId: body.scenario_id,
      startedAt,
    });
    const inserted = await insertEventRows(tx, body.user_id, rows, rule);
    return {
      session_id: sessionId,
      rows: rows.length,
      inserted,
      already_present: rows.length - inserted,
    };
  });
}
