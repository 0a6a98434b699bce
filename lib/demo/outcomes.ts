/**
 * Demo interview outcomes drawn from a stated model, so the validity report shows a real relation
 * whose figures can be checked against it: each demo learner interviews one to three times in the
 * last weeks of their history, and passes with probability
 * P(pass) = logistic(−6 + 0.09 · readiness as of the interview). Deterministic: the same learner
 * and `now` give the same outcomes; a learner who already has outcomes is left as they are.
 */
import type { Sql } from "../db/mod.ts";
import { logistic, recordOutcomes } from "../validity/mod.ts";
import { prng } from "./random.ts";

/** The stated model: P(pass) = logistic(intercept + slope · readiness). */
export const DEMO_OUTCOME_MODEL = { intercept: -6, slope: 0.09 } as const;

const DAY = 24 * 60 * 60 * 1000;
const COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli"];
const STAGES = ["screen", "onsite", "final"];

/** The model's pass probability at `readiness`. */
export function demoPassProbability(readiness: number): number {
  return logistic(DEMO_OUTCOME_MODEL.intercept + DEMO_OUTCOME_MODEL.slope * readiness);
}

/** FNV-1a of a text: a learner's seed, independent of the order learners are seeded in. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One planned interview: when, where, and the uniform draw that decides it against P(pass). */
export interface PlannedOutcome {
  outcome_id: string;
  occurred_at: string;
  company: string;
  stage: string;
  /** Passed when draw < P(pass at the readiness as of occurred_at). */
  draw: number;
}

/** The learner's planned interviews: 1–3, between 50 and 2 days before `now`, at 15:00 UTC. */
export function demoOutcomePlan(userId: string, now: Date): PlannedOutcome[] {
  const rand = prng(hash(userId));
  const count = 1 + Math.floor(rand() * 3);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 15);
  return Array.from({ length: count }, (_, i) => {
    const daysBefore = 2 + Math.floor(rand() * 49);
    return {
      outcome_id: `demo-${i + 1}`,
      occurred_at: new Date(today - daysBefore * DAY).toISOString(),
      company: COMPANIES[Math.floor(rand() * COMPANIES.length)],
      stage: STAGES[Math.floor(rand() * STAGES.length)],
      draw: rand(),
    };
  });
}

/**
 * Records the planned outcomes of each learner (through the API's write path): passed when the
 * draw is below the model's probability at the learner's readiness as of the interview (the
 * latest snapshot at or before it with sufficient evidence). An interview without such a
 * snapshot is not recorded (the model needs a readiness). Returns the outcomes written.
 */
export async function seedDemoOutcomes(
  sql: Sql,
  userIds: readonly string[],
  options: { now?: Date } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  let written = 0;
  for (const userId of userIds) {
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from analytics.interview_outcomes where user_id = ${userId}`;
    if (n > 0) continue;
    const outcomes = [];
    for (const plan of demoOutcomePlan(userId, now)) {
      const [snapshot] = await sql<{ readiness: number }[]>`
        select r.readiness_overall::float8 as readiness
        from analytics.user_readiness r
        where r.user_id = ${userId} and r.ts <= ${plan.occurred_at}
          and r.readiness_overall is not null
          and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true)
        order by r.ts desc, r.id desc
        limit 1`;
      if (!snapshot) continue;
      const passed = plan.draw < demoPassProbability(snapshot.readiness);
      outcomes.push({
        outcome_id: plan.outcome_id,
        occurred_at: plan.occurred_at,
        result: passed ? "passed" as const : "failed" as const,
        stage: plan.stage,
        company: plan.company,
        notes: "demo outcome drawn from P(pass) = logistic(-6 + 0.09 * readiness)",
      });
    }
    if (outcomes.length === 0) continue;
    written += (await recordOutcomes(sql, userId, { outcomes })).inserted;
  }
  return written;
}
