/**
 * The per-learner work of the app, run through its own modules on one learner: ingest (and its
 * retry), completion, computing one learner, profile and outcomes writes, the reads behind the
 * per-learner API and pages, export and erase. Tests and tools run it on a client that records the
 * statements it sends (`createClient`'s `onQuery`) and look at their plans.
 */
import type { Sql } from "../lib/db/mod.ts";
import { captureEvents } from "../lib/sessions/answers.ts";
import { completeSession } from "../lib/sessions/complete.ts";
import { readFeedback } from "../lib/sessions/feedback.ts";
import { computeUserReadiness } from "../lib/readiness/write/snapshots.ts";
import { readinessBody } from "../lib/readiness/read/readiness_body.ts";
import { trendsData } from "../lib/readiness/read/trends.ts";
import { coachingData } from "../lib/readiness/read/coaching.ts";
import { loadDashboard } from "../lib/readiness/read/dashboard.ts";
import { sessionScores } from "../lib/readiness/read/series.ts";
import { listSnapshots } from "../lib/readiness/read/history.ts";
import { skillAggregates } from "../lib/readiness/read/aggregates.ts";
import { windowSpec } from "../lib/readiness/config.ts";
import { getProfile, saveProfile } from "../lib/learners/profile.ts";
import { listOutcomes, recordOutcomes } from "../lib/validity/outcomes.ts";
import { eraseLearner, exportLearner } from "../lib/privacy/mod.ts";
import { lowRule, shipped } from "./static_config.ts";

/** The paths, in the order they run; each label names the statements sent while it runs. */
export const PATHS = [
  "ingest",
  "completion",
  "compute one learner",
  "profile write",
  "outcomes write",
  "reads",
  "export",
  "erase",
] as const;
export type PathLabel = (typeof PATHS)[number];

/**
 * Gives a learner (`userId`) two sessions of scored answers, completes one, computes them, writes
 * their profile and an outcome, reads everything a reader of the learner reads, exports and erases
 * them. `enter(label)` is called as each path starts.
 */
export async function runPerLearnerPaths(
  sql: Sql,
  userId: string,
  enter: (label: PathLabel) => void,
): Promise<void> {
  const config = shipped;
  const [a, b] = config.catalog.skills.map((s) => s.tag);
  const step = config.catalog.steps[0].step;
  const sessions = [crypto.randomUUID(), crypto.randomUUID()];
  const day = (n: number, minute = 0) =>
    new Date(Date.UTC(2026, 0, 1 + n, 10, minute)).toISOString();

  enter("ingest");
  for (const [i, sessionId] of sessions.entries()) {
    const body = {
      user_id: userId,
      scenario_id: "probe",
      answers: [0, 1].map((n) => ({
        answer_id: `q${n}`,
        ts: day(i, n),
        pulse_step: step,
        scores: { [a]: 60 + 10 * n + i, [b]: 70 - n },
      })),
    };
    await captureEvents(sql, sessionId, body, lowRule);
    await captureEvents(sql, sessionId, body, lowRule); // a retry inserts nothing
  }

  enter("completion");
  await completeSession(sql, sessions[0], {
    user_id: userId,
    completed_at: day(0, 30),
    transcript: [{ role: "user", content: "hello" }],
    scorecard: { bce_score: 71 },
  }, config.readiness);

  enter("compute one learner");
  await computeUserReadiness(sql, userId, { trigger: "probe", config: config.readiness });

  enter("profile write");
  await saveProfile(sql, userId, { display_name: "Probe", level: null });

  enter("outcomes write");
  await recordOutcomes(sql, userId, {
    outcomes: [{ outcome_id: "o1", occurred_at: day(3), result: "passed" }],
  });

  enter("reads");
  const readiness = config.readiness;
  const trend = windowSpec(readiness, readiness.trend_window);
  await readinessBody(sql, userId, 20);
  await readinessBody(sql, userId, 5);
  await trendsData(sql, userId, trend);
  await trendsData(sql, userId, trend, { skillTag: a });
  await coachingData(sql, userId, config);
  await loadDashboard(sql, userId, config);
  await sessionScores(sql, userId, trend);
  await listSnapshots(sql, userId, 20);
  await skillAggregates(sql, userId);
  await getProfile(sql, userId);
  await listOutcomes(sql, userId);
  await readFeedback(sql, null, sessions[0], () => {});

  enter("export");
  await exportLearner(sql, userId);

  enter("erase");
  await eraseLearner(sql, userId);
}
