/** Write path of scored answers: one session_events row per answer × skill, idempotent. */
import type postgres from "postgres";
import type { Queryable, Sql } from "../db/mod.ts";
import { DomainConflict } from "../errors.ts";
import type { EventsRequest } from "./schema.ts";
import { claimSessions } from "./owners.ts";
import { lockLearners } from "../learners/lock.ts";
import { assertNotErased } from "../privacy/tombstones.ts";
import { forgetLearnerReads } from "../readiness/write/learner_reads.ts";

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

/**
 * Inserts one learner's rows in one statement (they travel as one JSON parameter); rows already
 * stored (same session, answer and skill) are left as they are. Returns how many were new.
 */
export async function insertEventRows(
  tx: Queryable,
  userId: string,
  rows: EventRow[],
): Promise<number> {
  const [{ inserted }] = await tx<{ inserted: number }[]>`
    with input as (
      select * from jsonb_to_recordset(${
    tx.json(rows as unknown as postgres.JSONValue)
  }::jsonb) as r(
        session_id uuid, answer_id text, ts timestamptz, scenario_id text, pulse_step text,
        skill_tag text, score numeric, raw_metrics jsonb, notes text)
    ), written as (
      insert into analytics.session_events
        (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score, raw_metrics, notes)
      select ${userId}, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score,
             raw_metrics, notes
      from input
      on conflict (user_id, session_id, answer_id, skill_tag) do nothing
      returning 1
    ), marked as (
      -- New evidence: the learner's readiness is due for the next incremental recompute.
      -- (The time travels in the inserted row: Citus takes only immutable expressions in DO UPDATE.)
      insert into analytics.readiness_pending (user_id, marked_at)
      select ${userId}::uuid, now() where exists (select 1 from written)
      on conflict (user_id) do update
        set version = analytics.readiness_pending.version + 1, marked_at = excluded.marked_at
    )
    select count(*)::int as inserted from written`;
  // New answers change the learner's kept trends and coaching bodies.
  if (inserted > 0) await forgetLearnerReads(tx, [userId]);
  return inserted;
}

/** Stores a validated batch in one transaction; re-sending it inserts nothing. */
export async function captureEvents(
  sql: Sql,
  sessionId: string,
  body: EventsRequest,
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
    const inserted = await insertEventRows(tx, body.user_id, rows);
    return {
      session_id: sessionId,
      rows: rows.length,
      inserted,
      already_present: rows.length - inserted,
    };
  });
}
