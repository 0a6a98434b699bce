/** Hand-built learner histories for readiness tests, written through the real event capture. */
import assert from "node:assert/strict";
import type { Sql } from "../lib/db/mod.ts";
import { captureEvents } from "../lib/sessions/answers.ts";
import { eventsRequestSchema } from "../lib/sessions/schema.ts";
import type { TestApp } from "./harness.ts";
import { catalog, lowRule } from "./static_config.ts";

/** The "now" of the hand-built histories. */
export const AS_OF = new Date("2026-11-20T12:00:00Z");
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** A time `days` before `AS_OF` (fractions allowed). */
export function daysBefore(days: number, asOf: Date = AS_OF): Date {
  return new Date(asOf.getTime() - days * DAY_MS);
}

/**
 * Records one session `days` before `asOf`: one answer per listed score (answer k of the session
 * `k` minutes after its start), each scoring one skill. Returns the session id.
 */
export async function recordSession(
  sql: Sql,
  userId: string,
  days: number,
  scores: Record<string, number[]>,
  asOf: Date = AS_OF,
): Promise<string> {
  const sessionId = crypto.randomUUID();
  const start = daysBefore(days, asOf).getTime();
  const answers = Object.entries(scores).flatMap(([skill, list]) =>
    list.map((score, k) => ({ skill, score, k }))
  ).map(({ skill, score, k }, i) => ({
    answer_id: `${skill}-${k}`,
    ts: new Date(start + i * MINUTE_MS).toISOString(),
    pulse_step: "lead",
    scores: { [skill]: score },
  }));
  const body = eventsRequestSchema(catalog).parse({
    user_id: userId,
    scenario_id: "fixture",
    answers,
  });
  await captureEvents(sql, sessionId, body, lowRule);
  return sessionId;
}

/** Learner A: seven sessions over 45 days touching every skill (numbers worked out in the tests). */
export async function recordLearnerA(sql: Sql, userId: string): Promise<string[]> {
  return [
    await recordSession(sql, userId, 45, { communication: [40], technical_depth: [30] }),
    await recordSession(sql, userId, 25, { communication: [50, 60], structure: [55] }),
    await recordSession(sql, userId, 20, { communication: [70], system_design: [80], probe: [60] }),
    await recordSession(sql, userId, 12, {
      communication: [65],
      technical_depth: [70],
      structure: [45],
    }),
    await recordSession(sql, userId, 6, { communication: [75, 85], behavioral_examples: [50] }),
    await recordSession(sql, userId, 3, {
      communication: [90],
      technical_depth: [80],
      structure: [50],
    }),
    await recordSession(sql, userId, 1, {
      communication: [80],
      probe: [70],
      behavioral_examples: [70],
    }),
  ];
}

/**
 * The access rules of a per-learner read endpoint: 401 without or with a bad token; the learner
 * themself, coach, admin and service get `ok`; another learner gets 403.
 */
export async function assertLearnerReadAccess(
  t: TestApp,
  path: string,
  owner: string,
  ok = 200,
): Promise<void> {
  assert.equal((await t.call("GET", path)).status, 401, "no token");
  assert.equal((await t.call("GET", path, { token: "garbage" })).status, 401, "bad token");
  const other = await t.call("GET", path, { token: await t.token("learner") });
  assert.equal(other.status, 403, "another learner");
  assert.equal(other.body.error.code, "forbidden");
  assert.equal(
    (await t.call("GET", path, { token: await t.token("learner", owner.toUpperCase()) })).status,
    ok,
    "the learner themself",
  );
  for (const role of ["coach", "admin", "service"] as const) {
    assert.equal((await t.call("GET", path, { token: await t.token(role) })).status, ok, role);
  }
}

/** A 400 with the error shape and at least one issue matching `pattern`. */
// deno-lint-ignore no-explicit-any -- response bodies are checked field by field
export function assertInvalid(res: { status: number; body: any }, pattern: RegExp, name = "") {
  assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, "invalid_request", name);
  assert.ok(res.body.error.issues?.length > 0, name);
  assert.match(JSON.stringify(res.body.error.issues), pattern, name);
}
