/**
 * The validity report on hand-built learners whose pairing is worked out below: the snapshot at
 * exactly occurred_at counts and one a microsecond later does not, the latest before it wins,
 * insufficient snapshots and snapshots without an overall are passed over, unpaired outcomes are counted apart; then the
 * figures, per formula version, filters and roles.
 */
import assert from "node:assert/strict";
import type { Sql } from "../../../lib/db/mod.ts";
import { logisticFit, round, wilson } from "../../../lib/validity/mod.ts";
import { startTestApp } from "../../../tests/harness.ts";
import { assertInvalid } from "../../../tests/readiness_fixtures.ts";

const FROM = "2026-11-01T00:00:00.000Z";
const TO = "2026-11-29T00:00:00.000Z";
const PERIOD = `from=${FROM}&to=${TO}`;
/** Every outcome below happens at T. */
const T = "2026-11-10T12:00:00Z";
const JUST_AFTER_T = "2026-11-10T12:00:00.000001Z";
const DAY_BEFORE = "2026-11-09T12:00:00Z";
const DAYS_BEFORE = "2026-11-05T12:00:00Z";

const id = (n: number) => `00000000-0000-4000-8000-0000000000${String(n).padStart(2, "0")}`;
const [P, Q, R, S, U, V, W, X, Y, Z] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(id);

/** [learner, ts, overall, band, sufficient, formula version], inserted in this order (ids rise). */
type Snap = [string, string, number | null, string, boolean, string];
const SNAPSHOTS: Snap[] = [
  [P, T, 80, "Nearly Ready", true, "v1"], // at exactly occurred_at: counts
  [P, JUST_AFTER_T, 10, "Emerging", true, "v1"], // a microsecond later: does not
  [Q, DAY_BEFORE, 70, "Nearly Ready", true, "v1"],
  [Q, JUST_AFTER_T, 95, "Strong", true, "v1"],
  [R, "2026-11-04T12:00:00Z", 40, "Developing", true, "v2"], // an earlier one: passed over
  [R, DAYS_BEFORE, 70, "Nearly Ready", true, "v2"],
  [R, DAY_BEFORE, 99, "Insufficient evidence", false, "v2"], // insufficient: passed over
  [R, "2026-11-10T06:00:00Z", null, "Insufficient evidence", true, "v2"], // no overall
  [S, DAYS_BEFORE, 60, "Developing", true, "v2"],
  [U, DAYS_BEFORE, 70, "Nearly Ready", true, "v1"],
  [V, DAYS_BEFORE, 50, "Developing", true, "v2"],
  [W, DAYS_BEFORE, 40, "Developing", true, "v2"],
  [X, DAY_BEFORE, 75, "Insufficient evidence", false, "v2"], // only insufficient: unpaired
  [Z, JUST_AFTER_T, 90, "Strong", true, "v2"], // only after: unpaired
];

// Outcomes at T and their readiness as of T:
//   passed: P 80 (v1), Q 70 (v1), R 70 (v2), S 60 (v2)
//   failed: U 70 (v1), V 50 (v2), W 40 (v2)
//   unpaired: X passed (insufficient only), Y failed (no snapshot), Z failed (only after T)
// That is the AUC case worked by hand in lib/validity/stats_test.ts: AUC 5/6, DeLong [0.4805, 1].
const OUTCOMES: [string, "passed" | "failed"][] = [
  [P, "passed"],
  [Q, "passed"],
  [R, "passed"],
  [S, "passed"],
  [U, "failed"],
  [V, "failed"],
  [W, "failed"],
  [X, "passed"],
  [Y, "failed"],
  [Z, "failed"],
];

/** Times travel as text: postgres.js sends a timestamptz parameter through a JS Date (ms only). */
async function build(sql: Sql) {
  for (const user of [P, Q, R, S, U, V, W, X, Y, Z]) {
    const cohort = [X, Y, Z].includes(user) ? "c2" : "c1";
    await sql`insert into analytics.learners (user_id, level, track, cohort)
              values (${user}, 'senior', 'backend', ${cohort})`;
  }
  for (const [user, ts, overall, band, sufficient, version] of SNAPSHOTS) {
    await sql`
      insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
      values (${user}, ${ts}::text::timestamptz, ${overall}, ${band},
              ${sql.json({ sufficient_evidence: sufficient, formula_version: version })})`;
  }
}

const r4 = (x: number) => round(x, 4) as number;

Deno.test("the validity report on hand-paired outcomes", async (step) => {
  const t = await startTestApp();
  const admin = await t.token("admin");
  const service = await t.token("service");
  const get = (query: string, token = admin) =>
    t.call("GET", `/api/cohorts/validity?${query}`, { token });
  try {
    await build(t.db.sql);
    for (const [user, result] of OUTCOMES) {
      const res = await t.call("POST", `/api/users/${user}/outcomes`, {
        token: service,
        body: { outcomes: [{ outcome_id: "o1", occurred_at: T, result }] },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    // Outside the period: P at exactly `to` (exclusive) and Q before `from`.
    for (const [user, at] of [[P, TO], [Q, "2026-10-31T23:59:59Z"]]) {
      const res = await t.call("POST", `/api/users/${user}/outcomes`, {
        token: service,
        body: { outcomes: [{ outcome_id: "outside", occurred_at: at, result: "failed" }] },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }

    await step.step(
      "pairing: at exactly occurred_at, the latest before, insufficient passed over",
      async () => {
        const res = await get(PERIOD);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.outcomes, 10);
        assert.equal(res.body.paired, 7);
        assert.equal(res.body.unpaired, 3);
        assert.deepEqual([res.body.passed, res.body.failed], [4, 3]);
        assert.deepEqual(res.body.filters, {
          level: null,
          track: null,
          cohort: null,
          from: FROM,
          to: TO,
        });
      },
    );

    await step.step("per band: outcomes, passed, pass rate, Wilson interval", async () => {
      const res = await get(PERIOD);
      // Developing: S 60 passed, V 50 and W 40 failed → 1/3, Wilson [0.0615, 0.7923] (by hand in
      // lib/validity/stats_test.ts). Nearly Ready: P 80, Q 70, R 70 passed, U 70 failed → 3/4.
      // P's snapshot a microsecond after T is Emerging and Q's is Strong: neither counts.
      const [w0, w1] = wilson(3, 4)!;
      assert.deepEqual(res.body.bands, [
        { band: "Emerging", outcomes: 0, passed: 0, pass_rate: null, ci95: null },
        { band: "Developing", outcomes: 3, passed: 1, pass_rate: 0.3333, ci95: [0.0615, 0.7923] },
        { band: "Nearly Ready", outcomes: 4, passed: 3, pass_rate: 0.75, ci95: [r4(w0), r4(w1)] },
        { band: "Strong", outcomes: 0, passed: 0, pass_rate: null, ci95: null },
      ]);
    });

    await step.step("AUC, calibration and the too-few flag", async () => {
      const res = await get(PERIOD);
      assert.deepEqual(res.body.auc, {
        value: 0.8333,
        ci95: [0.4805, 1],
        method: "DeLong",
        passed: 4,
        failed: 3,
      });
      const fit = logisticFit([80, 70, 70, 60, 70, 50, 40], [1, 1, 1, 1, 0, 0, 0])!;
      const c = res.body.calibration;
      assert.equal(c.intercept, round(fit.intercept, 6));
      assert.equal(c.slope, round(fit.slope, 6));
      const p = (r: number) => 1 / (1 + Math.exp(-(fit.intercept + fit.slope * r)));
      assert.deepEqual(c.predicted, { "40": r4(p(40)), "70": r4(p(70)), "85": r4(p(85)) });
      // Brier of the fitted probabilities, by the definition.
      const xs = [80, 70, 70, 60, 70, 50, 40];
      const ys = [1, 1, 1, 1, 0, 0, 0];
      const brier = xs.reduce((s, x, i) => s + (p(x) - ys[i]) ** 2, 0) / 7;
      assert.equal(c.brier, r4(brier));
      assert.equal(c.brier_base_rate, r4((4 / 7) * (3 / 7)));
      // Reliability: deciles [40, 50) W; [50, 60) V; [60, 70) S; [70, 80) Q R U; [80, 90) P.
      assert.deepEqual(
        c.reliability.map((row: { n: number; observed: number | null }) => [row.n, row.observed]),
        [
          [0, null],
          [0, null],
          [0, null],
          [0, null],
          [1, 0],
          [1, 0],
          [1, 1],
          [3, 0.6667],
          [1, 1],
          [0, null],
        ],
      );
      assert.equal(c.reliability[7].mean_readiness, 70);
      assert.equal(c.reliability[7].mean_predicted, r4(p(70)));
      assert.equal(res.body.too_few_to_judge, true);
    });

    await step.step("per formula version of the paired snapshots", async () => {
      const res = await get(PERIOD);
      const [v1, v2] = res.body.by_formula_version;
      // v1: passed P 80, Q 70; failed U 70 → ψ: 80 > 70 (1), 70 = 70 (½) → AUC 0.75.
      assert.equal(v1.formula_version, "v1");
      assert.deepEqual([v1.paired, v1.passed, v1.failed, v1.auc.value], [3, 2, 1, 0.75]);
      assert.equal(v1.auc.ci95, null, "one failed outcome: no DeLong interval");
      // v2: passed R 70, S 60; failed V 50, W 40 → every pair ordered: AUC 1; the classes are
      // separated, so there is no logistic fit.
      assert.equal(v2.formula_version, "v2");
      assert.deepEqual([v2.paired, v2.passed, v2.failed, v2.auc.value], [4, 2, 2, 1]);
      assert.deepEqual(
        [v2.calibration.intercept, v2.calibration.slope, v2.calibration.brier],
        [null, null, null],
      );
      assert.deepEqual(v2.calibration.predicted, { "40": null, "70": null, "85": null });
      assert.equal(v2.too_few_to_judge, true);
    });

    await step.step("filters: cohort, level, period", async () => {
      const c1 = await get(`${PERIOD}&cohort=c1`);
      assert.deepEqual([c1.body.outcomes, c1.body.paired, c1.body.unpaired], [7, 7, 0]);
      const c2 = await get(`${PERIOD}&cohort=c2`);
      assert.deepEqual([c2.body.outcomes, c2.body.paired, c2.body.unpaired], [3, 0, 3]);
      assert.deepEqual(c2.body.auc, {
        value: null,
        ci95: null,
        method: "DeLong",
        passed: 0,
        failed: 0,
      });
      assert.deepEqual(c2.body.by_formula_version, []);
      const staff = await get(`${PERIOD}&level=staff`);
      assert.equal(staff.body.outcomes, 0);
      // The period includes `to` − ε and excludes `to`: P's outcome at `to` is in the next one.
      const after = await get(`from=${TO}&to=2026-11-30T00:00:00Z`);
      assert.deepEqual([after.body.outcomes, after.body.paired], [1, 1]);
      assertInvalid(await get(`from=${TO}&to=${FROM}`), /after/, "reversed period");
      assertInvalid(await get("level=nonsense"), /level/, "level");
    });

    await step.step("roles: admins only", async () => {
      for (const role of ["learner", "coach", "service"] as const) {
        const res = await get(PERIOD, await t.token(role));
        assert.equal(res.status, 403, role);
        assert.equal(res.body.error.code, "forbidden");
      }
      assert.equal((await t.call("GET", `/api/cohorts/validity?${PERIOD}`)).status, 401);
    });
  } finally {
    await t.close();
  }
});
