/**
 * The formula backtest on hand-built learners whose readiness as of the interview is worked out
 * below: a candidate equal to the current formula changes nothing (AUC difference exactly 0),
 * other weights move each learner by the hand-computed amount, nothing is written, a bad config is
 * a 400 naming the field, and only admins may call it.
 */
import assert from "node:assert/strict";
import { loadReadinessConfig, readinessAsOf } from "../../../lib/readiness/mod.ts";
import { readinessConfig } from "../../../tests/static_config.ts";
import { startTestApp } from "../../../tests/harness.ts";
import { assertInvalid, recordSession } from "../../../tests/readiness_fixtures.ts";

/** Every outcome happens at T. */
const T = new Date("2026-11-10T12:00:00Z");
const PERIOD = { from: "2026-11-01T00:00:00Z", to: "2026-11-29T00:00:00Z" };

const id = (n: number) => `00000000-0000-4000-8000-0000000001${String(n).padStart(2, "0")}`;
const [H, J, K, M, N] = [1, 2, 3, 4, 5].map(id);

/**
 * Two sessions before T giving window averages technical t, communication c, structure s,
 * behavioral b (6 answers, 2 sessions: sufficient evidence), and one after T that must not count.
 */
type Learner = [string, number, number, number, number, "passed" | "failed"];
const LEARNERS: Learner[] = [
  // current .3 t + .3 c + .2 s + .2 b; candidate .7 t + .1 c + .1 s + .1 b
  [H, 85, 65, 50, 40, "passed"], // current 25.5 + 19.5 + 10 + 8 = 63; candidate 59.5 + 6.5 + 5 + 4 = 75
  [J, 90, 40, 40, 40, "passed"], // current 27 + 12 + 8 + 8 = 55; candidate 63 + 4 + 4 + 4 = 75
  [K, 40, 90, 90, 90, "failed"], // current 12 + 27 + 18 + 18 = 75; candidate 28 + 9 + 9 + 9 = 55
  [M, 50, 60, 60, 60, "failed"], // current 15 + 18 + 12 + 12 = 57; candidate 35 + 6 + 6 + 6 = 53
];
// Current: passed {63, 55} vs failed {75, 57}: only 63 > 57 of four pairs → AUC 0.25.
// Candidate: passed {75, 75} vs failed {55, 53}: every pair ordered → AUC 1. Difference 0.75.

const CANDIDATE = {
  ...readinessConfig,
  formula_version: "candidate-tech-heavy",
  components: {
    technical: { ...readinessConfig.components.technical, weight: 0.7 },
    communication: { ...readinessConfig.components.communication, weight: 0.1 },
    structure: { ...readinessConfig.components.structure, weight: 0.1 },
    behavioral: { ...readinessConfig.components.behavioral, weight: 0.1 },
  },
};

Deno.test("the formula backtest on hand-worked learners", async (step) => {
  const t = await startTestApp();
  const admin = await t.token("admin");
  const service = await t.token("service");
  const post = (body: unknown, token = admin) =>
    t.call("POST", "/api/admin/formula-backtest", { token, body });
  try {
    const sql = t.db.sql;
    for (const [user, tech, comm, struct, beh, result] of LEARNERS) {
      await recordSession(sql, user, 3, {
        technical_depth: [tech],
        communication: [comm],
        structure: [struct],
      }, T);
      await recordSession(sql, user, 2, {
        behavioral_examples: [beh],
        communication: [comm],
        technical_depth: [tech],
      }, T);
      // After the interview: a score of 0 everywhere, which as-of readiness must not see.
      await recordSession(sql, user, -1, { technical_depth: [0], communication: [0] }, T);
      const res = await t.call("POST", `/api/users/${user}/outcomes`, {
        token: service,
        body: { outcomes: [{ outcome_id: "o1", occurred_at: T.toISOString(), result }] },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    // N: one session before T (3 answers, 1 session): insufficient under both formulas.
    await recordSession(sql, N, 2, { technical_depth: [90], communication: [90, 90] }, T);
    const res = await t.call("POST", `/api/users/${N}/outcomes`, {
      token: service,
      body: { outcomes: [{ outcome_id: "o1", occurred_at: T.toISOString(), result: "passed" }] },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));

    await step.step("readinessAsOf: the hand-computed readiness under each formula", async () => {
      const pairs = [H, J, K, M, N].map((user_id) => ({ user_id, at: T }));
      const current = await readinessAsOf(sql, pairs, readinessConfig);
      const candidate = await readinessAsOf(sql, pairs, loadReadinessConfig(CANDIDATE));
      assert.deepEqual(current.map((r) => r.overall), [63, 55, 75, 57, 90]);
      assert.deepEqual(candidate.map((r) => r.overall), [75, 75, 55, 53, 90]);
      assert.deepEqual(current.map((r) => r.sufficient), [true, true, true, true, false]);
      assert.deepEqual(
        current.map((r) => r.band),
        ["Developing", "Developing", "Nearly Ready", "Developing", "Insufficient evidence"],
      );
      // H moves by exactly +12 (75 − 63).
      assert.equal(candidate[0].overall! - current[0].overall!, 12);
    });

    await step.step("a candidate equal to the current formula: difference exactly 0", async () => {
      const before = (await sql`select count(*)::int as n from analytics.user_readiness`)[0].n;
      const same = await post({
        config: { ...readinessConfig, formula_version: "same" },
        ...PERIOD,
      });
      assert.equal(same.status, 200, JSON.stringify(same.body));
      assert.deepEqual(same.body.auc_difference, {
        value: 0,
        ci95: [0, 0],
        paired: 4,
        passed: 2,
        failed: 2,
      });
      const { by_formula_version: a, ...current } = same.body.current;
      const { by_formula_version: b, ...candidate } = same.body.candidate;
      assert.deepEqual(candidate, current);
      assert.deepEqual([a[0].formula_version, b[0].formula_version], [
        readinessConfig.formula_version,
        "same",
      ]);
      assert.deepEqual([current.outcomes, current.paired, current.unpaired], [5, 4, 1]);
      assert.equal(current.auc.value, 0.25);
      const after = (await sql`select count(*)::int as n from analytics.user_readiness`)[0].n;
      assert.equal(after, before, "nothing written");
    });

    await step.step("a candidate with other weights: the hand-computed AUCs", async () => {
      const res = await post({ config: CANDIDATE, ...PERIOD });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.current.auc.value, 0.25);
      assert.equal(res.body.candidate.auc.value, 1);
      assert.equal(res.body.auc_difference.value, 0.75);
      assert.equal(res.body.auc_difference.paired, 4);
      const [lo, hi] = res.body.auc_difference.ci95;
      assert.ok(lo <= 0.75 && 0.75 <= hi, JSON.stringify(res.body.auc_difference));
      // Bands of the candidate: H and J 75 (Nearly Ready) passed; K 55 and M 53 (Developing) failed.
      const band = (name: string) =>
        res.body.candidate.bands.find((b: { band: string }) => b.band === name);
      assert.deepEqual([band("Nearly Ready").outcomes, band("Nearly Ready").passed], [2, 2]);
      assert.deepEqual([band("Developing").outcomes, band("Developing").passed], [2, 0]);
    });

    await step.step("a bad config: 400 naming the field", async () => {
      const bad = structuredClone(CANDIDATE);
      bad.components.technical.weight = 2;
      const weight = await post({ config: bad });
      assertInvalid(weight, /weight/, "weight");
      assert.match(weight.body.error.message, /config\.components\.technical\.weight: /);
      assert.deepEqual(weight.body.error.issues[0].path, [
        "config",
        "components",
        "technical",
        "weight",
      ]);
      const sum = structuredClone(CANDIDATE);
      sum.components.technical.weight = 0.5;
      const total = await post({ config: sum });
      assertInvalid(total, /sum to 1/, "weight sum");
      assert.match(total.body.error.message, /config\.components: weights must sum to 1/);
      assertInvalid(await post({}), /config/, "no config");
      assertInvalid(
        await post({ config: CANDIDATE, from: PERIOD.to, to: PERIOD.from }),
        /after/,
        "reversed period",
      );
    });

    await step.step("roles: admins only", async () => {
      for (const role of ["learner", "coach", "service"] as const) {
        const res = await post({ config: CANDIDATE }, await t.token(role));
        assert.equal(res.status, 403, role);
      }
      const anonymous = await t.call("POST", "/api/admin/formula-backtest", {
        body: { config: CANDIDATE },
      });
      assert.equal(anonymous.status, 401);
    });
  } finally {
    await t.close();
  }
});
