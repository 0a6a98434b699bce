/**
 * Demo data: a few learners of different levels with ~12 weeks of practice sessions, written
 * through the same capture path as the orchestrator's, with a readiness snapshot after each
 * session. Deterministic ids, so seeding twice adds nothing.
 */
import { captureEvents } from "../sessions/answers.ts";
import type { Sql } from "../db/mod.ts";
import { upsertProfile } from "../learners/profile.ts";
import { computeUserReadiness } from "../readiness/mod.ts";
import { catalog } from "../static_config.ts";
import type { EventsRequest } from "../sessions/schema.ts";
import { DEMO_LEARNERS, type DemoLearner } from "./people.ts";
import { seedDemoOutcomes } from "./outcomes.ts";

const DAY = 24 * 60 * 60 * 1000;
export const HISTORY_DAYS = 84;
const STEPS = catalog.pulseSteps;

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A v4-shaped uuid derived from `rand`. */
function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = "4";
  hex[16] = "89ab"[Math.floor(rand() * 4)];
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export interface SeedResult {
  learners: number;
  sessions: number;
  eventsInserted: number;
  snapshots: number;
}

export interface DemoSession {
  sessionId: string;
  scenarioId: string;
  answers: EventsRequest["answers"];
}

/**
 * The practice history of demo learner `index`: the same ids, skills and scores on every call
 * (only the times follow `now`), so seeding again finds everything already stored.
 */
export function demoHistory(learner: DemoLearner, index: number, now: Date): DemoSession[] {
  const rand = prng(1000 + index);
  const start = now.getTime() - HISTORY_DAYS * DAY;
  return Array.from({ length: learner.sessions }, (_, i) => {
    const progress = learner.sessions === 1 ? 1 : i / (learner.sessions - 1);
    const hour = Math.floor(rand() * 8);
    const at = start + progress * (HISTORY_DAYS - 1) * DAY + hour * 60 * 60 * 1000;
    const sessionId = uuidFrom(rand);
    const answers = Array.from({ length: 6 }, (_, a) => {
      // Each answer is scored on two or three skills, as the orchestrator does.
      const skills = shuffled(catalog.skillTags, rand).slice(0, 2 + Math.floor(rand() * 2));
      return {
        answer_id: `q${a + 1}`,
        ts: new Date(at + a * 4 * 60 * 1000).toISOString(),
        pulse_step: STEPS[Math.min(STEPS.length - 1, Math.floor((a / 6) * STEPS.length))],
        scores: Object.fromEntries(skills.map((tag) => {
          const base = (learner.start[tag] ?? 50) + (learner.gain[tag] ?? 0) * progress;
          const score = Math.max(0, Math.min(100, base + (rand() - 0.5) * 16));
          return [tag, Math.round(score * 10) / 10];
        })),
        raw_metrics: {
          filler_words: Math.floor(rand() * 12),
          talk_time_s: 40 + Math.floor(rand() * 120),
        },
      };
    });
    return { sessionId, scenarioId: `${learner.track}-${learner.level}-${(i % 4) + 1}`, answers };
  });
}

/** Fisher–Yates shuffle driven by `rand`. */
function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Seeds the demo learners; history ends shortly before `now`. Safe to run again. */
export async function seedDemo(
  sql: Sql,
  options: { now?: Date; log?: (line: string) => void } = {},
): Promise<SeedResult> {
  const now = options.now ?? new Date();
  const log = options.log ?? (() => {});
  const result: SeedResult = { learners: 0, sessions: 0, eventsInserted: 0, snapshots: 0 };
  for (const [index, learner] of DEMO_LEARNERS.entries()) {
    await upsertProfile(sql, learner.userId, {
      level: learner.level,
      track: learner.track,
      cohort: learner.cohort,
    });
    const [{ n: existingSnapshots }] = await sql<{ n: number }[]>`
      select count(*)::int as n from analytics.user_readiness where user_id = ${learner.userId}`;
    for (const session of demoHistory(learner, index, now)) {
      const captured = await captureEvents(sql, session.sessionId, {
        user_id: learner.userId,
        scenario_id: session.scenarioId,
        answers: session.answers,
      });
      const completedAt = session.answers.at(-1)!.ts;
      await sql`update analytics.sessions set completed_at = coalesce(completed_at, ${completedAt})
                where user_id = ${learner.userId} and session_id = ${session.sessionId}`;
      result.sessions++;
      result.eventsInserted += captured.inserted;
      // Snapshots only on the first seeding: each one as of the end of its session.
      if (existingSnapshots === 0) {
        await computeUserReadiness(sql, learner.userId, {
          trigger: "demo_seed",
          asOf: new Date(completedAt),
        });
        result.snapshots++;
      }
    }
    result.learners++;
    log(`seeded ${learner.name} (${learner.level}, ${learner.sessions} sessions)`);
  }
  await seedDemoOutcomes(sql, DEMO_LEARNERS.map((l) => l.userId), { now });
  return result;
}
