/** The demo cast: learners with different levels and trajectories, plus a coach and an admin. */

export interface DemoLearner {
  userId: string;
  name: string;
  level: string;
  track: string;
  cohort: string;
  /** Sessions over the ~12 weeks of history. */
  sessions: number;
  /** Starting score and gain over the whole history, per skill (0–100 scale). */
  start: Record<string, number>;
  gain: Record<string, number>;
}

export const DEMO_LEARNERS: DemoLearner[] = [
  {
    userId: "6f1d2c3b-4a59-4e7d-8c21-0a1b2c3d4e01",
    name: "Maya Chen",
    level: "senior",
    track: "backend",
    cohort: "2026-autumn",
    sessions: 26,
    start: {
      communication: 58,
      technical_depth: 52,
      system_design: 45,
      probe: 50,
      structure: 55,
      behavioral_examples: 60,
    },
    gain: {
      communication: 22,
      technical_depth: 26,
      system_design: 30,
      probe: 20,
      structure: 24,
      behavioral_examples: 18,
    },
  },
  {
    userId: "6f1d2c3b-4a59-4e7d-8c21-0a1b2c3d4e02",
    name: "Jonas Weber",
    level: "mid",
    track: "frontend",
    cohort: "2026-autumn",
    sessions: 20,
    start: {
      communication: 62,
      technical_depth: 48,
      system_design: 38,
      probe: 44,
      structure: 50,
      behavioral_examples: 55,
    },
    gain: {
      communication: 12,
      technical_depth: 10,
      system_design: 6,
      probe: 14,
      structure: 16,
      behavioral_examples: 12,
    },
  },
  {
    userId: "6f1d2c3b-4a59-4e7d-8c21-0a1b2c3d4e03",
    name: "Priya Nair",
    level: "staff",
    track: "platform",
    cohort: "2026-summer",
    sessions: 30,
    start: {
      communication: 74,
      technical_depth: 72,
      system_design: 70,
      probe: 68,
      structure: 72,
      behavioral_examples: 70,
    },
    gain: {
      communication: 16,
      technical_depth: 18,
      system_design: 20,
      probe: 18,
      structure: 15,
      behavioral_examples: 17,
    },
  },
  {
    userId: "6f1d2c3b-4a59-4e7d-8c21-0a1b2c3d4e04",
    name: "Sam Okafor",
    level: "junior",
    track: "data",
    cohort: "2026-autumn",
    sessions: 9,
    start: {
      communication: 40,
      technical_depth: 30,
      system_design: 22,
      probe: 35,
      structure: 32,
      behavioral_examples: 38,
    },
    gain: {
      communication: 14,
      technical_depth: 12,
      system_design: 8,
      probe: 10,
      structure: 14,
      behavioral_examples: 10,
    },
  },
  {
    userId: "6f1d2c3b-4a59-4e7d-8c21-0a1b2c3d4e05",
    name: "Lena Park",
    level: "senior",
    track: "backend",
    cohort: "2026-summer",
    sessions: 22,
    start: {
      communication: 50,
      technical_depth: 55,
      system_design: 48,
      probe: 46,
      structure: 44,
      behavioral_examples: 52,
    },
    gain: {
      communication: 30,
      technical_depth: 20,
      system_design: 26,
      probe: 28,
      structure: 32,
      behavioral_examples: 24,
    },
  },
];

export const DEMO_COACH = { userId: "6f1d2c3b-4a59-4e7d-8c21-0a1b2c3d4ec0", name: "Coach Alex" };
export const DEMO_ADMIN = { userId: "6f1d2c3b-4a59-4e7d-8c21-0a1b2c3d4ea0", name: "Admin Robin" };

/** Display name of a demo person, or null for everyone else (names live in PULSE, not here). */
export function demoName(userId: string): string | null {
  return DEMO_LEARNERS.find((l) => l.userId === userId)?.name ??
    [DEMO_COACH, DEMO_ADMIN].find((p) => p.userId === userId)?.name ?? null;
}
