/**
 * Demo data: a few learners of different levels with ~12 weeks of practice sessions, written
 * through the same capture path as the orchestrator's, with a readiness snapshot after each
 * session. Deterministic ids, so seeding twice adds nothing.
 */
import { captureEvents } from "../events/capture.ts";
import type { Sql } from "../db/mod.ts";
import { upsertProfile } from "../learners/profile.ts";
import { computeUserReadiness } from "../readiness/mod.ts";
import { catalog } from "../static_config.ts";
import { DEMO_LEARNERS } from "./people.ts";

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

/** Seeds the demo learners; history ends shortly before `now`. Safe to run again. */
export async function seedDemo(
  sql: Sql,
  options: { now?: Date; log?: (line: string) => void } = {},
): Promise<SeedResult> {
  const now = options.now ?? new Date();
  const log = options.log ?? (() => {});
  const result: SeedResult = { learners: 0, sessions: 0, eventsInserted: 0, snapshots: 0 };
  for (const [index, learner] of DEMO_LEARNERS.entries()) {
    const rand = prng(1000 + index);
    await upsertProfile(sql, learner.userId, {
      level: learner.level,
      track: learner.track,
      cohort: learner.cohort,
    });
    const [{ n: existingSnapshots }] = await sql<{ n: number }[]>`
      select count(*)::int as n from analytics.user_readiness where user_id = ${learner.userId}`;
    const start = now.getTime() - HISTORY_DAYS * DAY;
    for (let i = 0; i < learner.sessions; i++) {
      const progress = learner.sessions === 1 ? 1 : i / (learner.sessions - 1);
      const at = new Date(
        start + progress * (HISTORY_DAYS - 1) * DAY + Math.floor(rand() * 8) * 60 * 60 * 1000,
      );
      const sessionId = uuidFrom(rand);
      const answers = Array.from({ length: 6 }, (_, a) => {
        // Each answer is scored on two or three skills, as the orchestrator does.
        const skills = [...catalog.skillTags].sort(() => rand() - 0.5).slice(
          0,
          2 + Math.floor(rand() * 2),
        );
        return {
          answer_id: `q${a + 1}`,
          ts: new Date(at.getTime() + a * 4 * 60 * 1000).toISOString(),
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
      const captured = await captureEvents(sql, sessionId, {
        user_id: learner.userId,
        scenario_id: `${learner.track}-${learner.level}-${(i % 4) + 1}`,
        answers,
      });
      await sql`update analytics.sessions set completed_at = ${
        answers.at(-1)!.ts
      } where session_id = ${sessionId}`;
      result.sessions++;
      result.eventsInserted += captured.inserted;
      if (existingSnapshots === 0) {
        await computeUserReadiness(sql, learner.userId, {
          trigger: "demo_seed",
          asOf: new Date(answers.at(-1)!.ts),
        });
        result.snapshots++;
      }
    }
    result.learners++;
    log(`seeded ${learner.name} (${learner.level}, ${learner.sessions} sessions)`);
  }
  return result;
}
