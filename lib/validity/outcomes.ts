/** Real interview outcomes of a learner: the request shape, the idempotent write and the list. */
import type postgres from "postgres";
import { z } from "@hono/zod-openapi";
import type { Queryable, Sql } from "../db/mod.ts";
import { isoTimestamp, MAX_FUTURE_MS } from "../validation.ts";

/** Most outcomes in one request. */
export const MAX_OUTCOMES_PER_REQUEST = 1000;
export const RESULTS = ["passed", "failed"] as const;
export type Result = (typeof RESULTS)[number];

const optionalText = (max: number, what: string) =>
  z.string().trim().min(1).max(max).optional().openapi({ description: what });

/** One outcome as sent. */
export const OutcomeInput = z.object({
  outcome_id: z.string().trim().min(1).max(200).openapi({
    description: "the sender's id of the outcome, unique per learner (the retry key)",
  }),
  occurred_at: isoTimestamp({ maxFutureMs: MAX_FUTURE_MS }).openapi({
    description:
      "when the interview or decision took place (ISO 8601 with offset); at most 5 minutes in the future",
  }),
  result: z.enum(RESULTS).openapi({
    description: "`passed` or `failed`; an offer is `passed` at stage `offer`",
  }),
  stage: optionalText(100, "interview stage, e.g. screen, onsite, offer"),
  company: optionalText(200, "company interviewed with"),
  role_level: optionalText(100, "seniority of the role, e.g. senior"),
  notes: z.string().max(4000).optional().openapi({ description: "free text" }),
}).strict().openapi("InterviewOutcomeInput");
export type OutcomeInput = z.infer<typeof OutcomeInput>;

/** The body of `POST /api/users/:userId/outcomes`: a batch (one outcome is a batch of one). */
export const OutcomesRequest = z.object({
  outcomes: z.array(OutcomeInput).min(1).max(MAX_OUTCOMES_PER_REQUEST).superRefine(
    (outcomes, ctx) => {
      const seen = new Set<string>();
      outcomes.forEach((o, i) => {
        if (seen.has(o.outcome_id)) {
          ctx.addIssue({
            code: "custom",
            path: [i, "outcome_id"],
            message: `duplicate outcome_id '${o.outcome_id}' in one request`,
          });
        }
        seen.add(o.outcome_id);
      });
    },
  ),
}).strict();
export type OutcomesRequest = z.infer<typeof OutcomesRequest>;

/** An outcome as stored and listed. */
export interface Outcome {
  outcome_id: string;
  occurred_at: string;
  result: Result;
  stage: string | null;
  company: string | null;
  role_level: string | null;
  notes: string | null;
  created_at: string;
}

export interface RecordResult {
  user_id: string;
  outcomes: number;
  inserted: number;
  already_present: number;
}

/** Thrown when the learner is not known (no profile and no evidence). */
export class UnknownLearner extends Error {
  override name = "UnknownLearner";
}

/** Thrown when an outcome id is already stored with a different payload; names the ids. */
export class OutcomeConflict extends Error {
  override name = "OutcomeConflict";
  constructor(readonly outcomeIds: string[]) {
    super(
      `outcome ${
        outcomeIds.map((id) => `'${id}'`).join(", ")
      } already stored with different content; an outcome is not changed by a resend`,
    );
  }
}

/**
 * Stores a batch in one transaction. An outcome id already stored with the same payload is left
 * as it is (a retry writes nothing); one stored with a different payload refuses the whole batch
 * (OutcomeConflict), so that a correction is never silently dropped.
 */
export async function recordOutcomes(
  sql: Sql,
  userId: string,
  body: OutcomesRequest,
): Promise<RecordResult> {
  const rows = body.outcomes.map((o) => ({
    outcome_id: o.outcome_id,
    occurred_at: o.occurred_at,
    result: o.result,
    stage: o.stage ?? null,
    company: o.company ?? null,
    role_level: o.role_level ?? null,
    notes: o.notes ?? null,
  }));
  return await sql.begin(async (tx) => {
    // The learner row is locked against a concurrent erase until the outcomes are written.
    const [learner] = await tx`
      select 1 from analytics.learners where user_id = ${userId} for key share`;
    if (!learner) throw new UnknownLearner(`No learner ${userId}`);
    // The rows travel as `insert … values` (on Citus straight to the learner's shard); the ids
    // it did not insert were stored before (or by a concurrent writer that committed meanwhile),
    // and are compared with the stored rows in a second statement, which sees them.
    const inserted = await tx<{ outcome_id: string }[]>`
      insert into analytics.interview_outcomes ${
      tx(
        rows.map((r) => ({ user_id: userId, ...r })),
        "user_id",
        "outcome_id",
        "occurred_at",
        "result",
        "stage",
        "company",
        "role_level",
        "notes",
      )
    }
      on conflict (user_id, outcome_id) do nothing
      returning outcome_id`;
    const fresh = new Set(inserted.map((r) => r.outcome_id));
    const present = rows.filter((r) => !fresh.has(r.outcome_id));
    const written = present.length === 0 ? [] : await tx<{ outcome_id: string }[]>`
      select i.outcome_id
      from jsonb_to_recordset(${tx.json(present as unknown as postgres.JSONValue)}::jsonb) as i(
        outcome_id text, occurred_at timestamptz, result text, stage text, company text,
        role_level text, notes text)
      join analytics.interview_outcomes o
        on o.user_id = ${userId} and o.outcome_id = i.outcome_id
      where (o.occurred_at, o.result, o.stage, o.company, o.role_level, o.notes)
            is distinct from
            (i.occurred_at, i.result, i.stage, i.company, i.role_level, i.notes)`;
    const conflicts = written.map((w) => w.outcome_id);
    if (conflicts.length > 0) throw new OutcomeConflict(conflicts.sort());
    return {
      user_id: userId,
      outcomes: rows.length,
      inserted: fresh.size,
      already_present: rows.length - fresh.size,
    };
  });
}

/** The learner's outcomes, oldest first; null when the learner is not known. */
export async function listOutcomes(sql: Queryable, userId: string): Promise<Outcome[] | null> {
  const rows = await sql<(Outcome & { known: boolean })[]>`
    select l.user_id is not null as known, o.outcome_id,
           to_char(o.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
           o.result, o.stage, o.company, o.role_level, o.notes,
           to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at
    from (select ${userId}::uuid as user_id) q
    left join analytics.learners l on l.user_id = q.user_id
    left join analytics.interview_outcomes o on o.user_id = q.user_id
    order by o.occurred_at, o.outcome_id`;
  if (!rows[0]?.known) return null;
  return rows.filter((r) => r.outcome_id !== null).map(({ known: _known, ...o }) => o);
}
