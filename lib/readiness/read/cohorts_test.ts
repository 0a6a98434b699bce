import assert from "node:assert/strict";
import { AS_OF } from "../../../tests/readiness_fixtures.ts";
import type { Sql } from "../../db/mod.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { upsertProfile } from "../../learners/profile.ts";
import { kaplanMeier, timeToReadiness } from "./cohorts.ts";
import { refreshProgress } from "../write/progress.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Writes snapshots `[day, overall, sufficient evidence?]` for a new learner of `level`. */
async function learnerWith(
  sql: Sql,
  level: string,
  snapshots: [day: number, overall: number, sufficient?: boolean][],
): Promise<string> {
  const id = crypto.randomUUID();
  await upsertProfile(sql, id, { level });
  for (const [day, overall, sufficient = true] of snapshots) {
    const ts = new Date(AS_OF.getTime() + day * DAY_MS);
    await sql`
      insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
      values (${id}, ${ts}, ${overall}, ${sufficient ? "x" : "Insufficient evidence"},
              ${sql.json({ sufficient_evidence: sufficient })})`;
  }
  // What the snapshot writer does after writing a learner's snapshots.
  await refreshProgress(sql, [id]);
  return id;
}

Deno.test("kaplanMeier: survival steps, censoring and median by hand", () => {
  const km = kaplanMeier([
    { days: 4, reached: false },
    { days: 6, reached: true },
    { days: 8, reached: true },
    { days: 10, reached: true },
    { days: 20, reached: true },
    { days: 30, reached: false },
  ]);
  // 6 at risk: t=4 censored → S 1; t=6 5 at risk → 4/5 = 0.8; t=8 → 0.8 · 3/4 = 0.6;
  // t=10 → 0.6 · 2/3 = 0.4 (first ≤ 0.5: median 10); t=20 → 0.4 · 1/2 = 0.2; t=30 censored.
  assert.deepEqual(
    km.curve.map((s) => [s.days, s.at_risk, s.reached, s.censored, s.not_yet_reached]),
    [
      [4, 6, 0, 1, 1],
      [6, 5, 1, 0, 0.8],
      [8, 4, 1, 0, 0.6],
      [10, 3, 1, 0, 0.4],
      [20, 2, 1, 0, 0.2],
      [30, 1, 0, 1, 0.2],
    ],
  );
  assert.equal(km.median_days, 10);
  // Ties: events count before censorings at the same time; a curve that never halves has no median.
  const tied = kaplanMeier([{ days: 5, reached: true }, { days: 5, reached: false }, {
    days: 9,
    reached: false,
  }]);
  assert.deepEqual(
    tied.curve.map((s) => s.not_yet_reached),
    [2 / 3, 2 / 3].map((x) => Math.round(x * 1e6) / 1e6),
  );
  assert.equal(tied.median_days, null);
  assert.deepEqual(kaplanMeier([]), { curve: [], median_days: null });
});

Deno.test("timeToReadiness on stored snapshots", async () => {
  const db = await createTestDatabase();
  try {
    // from 40 to 70, senior learners (days after AS_OF):
    await learnerWith(db.sql, "senior", [[0, 45], [10, 72]]); // reached in 10
    await learnerWith(db.sql, "senior", [[0, 50], [5, 60], [20, 75]]); // 20
    await learnerWith(db.sql, "senior", [[0, 41], [30, 65]]); // not yet: censored at 30
    await learnerWith(db.sql, "senior", [[0, 42], [4, 55]]); // censored at 4
    await learnerWith(db.sql, "senior", [[0, 30], [7, 48], [15, 71]]); // from day 7: 8
    // The first snapshot lacks evidence and does not count: from day 3 to day 9 = 6.
    await learnerWith(db.sql, "senior", [[0, 45, false], [3, 50], [9, 72]]);
    await learnerWith(db.sql, "senior", [[0, 20], [9, 35]]); // never reached 40: not counted
    await learnerWith(db.sql, "mid", [[0, 40], [1, 90]]); // another level

    const r = await timeToReadiness(db.sql, { from: 40, to: 70, level: "senior" });
    assert.deepEqual(r.learners, { reached_from: 6, reached_to: 4, not_yet_reached: 2 });
    // Reached only: 6, 8, 10, 20 → median (8 + 10) / 2 = 9, mean 44 / 4 = 11.
    assert.equal(r.reached_only.median_days, 9);
    assert.equal(r.reached_only.mean_days, 11);
    // Kaplan–Meier over 4c, 6, 8, 10, 20, 30c: median 10 (worked out in the test above).
    assert.equal(r.kaplan_meier.median_days, 10);
    assert.equal(r.kaplan_meier.curve.length, 6);
    assert.match(r.kaplan_meier.description, /censored/);
    assert.match(r.reached_only.description, /biased low/);

    const all = await timeToReadiness(db.sql, { from: 40, to: 70 });
    // + the mid learner: 40 at day 0, 90 at day 1.
    assert.deepEqual(all.learners, { reached_from: 7, reached_to: 5, not_yet_reached: 2 });
    assert.equal(all.level, null);

    // Thresholds that are not whole points: a hair above 70 answers as 70.01 does.
    const scan = await timeToReadiness(db.sql, { from: 40, to: 70.000001, level: "senior" });
    assert.deepEqual(scan.learners, r.learners);
    assert.deepEqual(scan.kaplan_meier.curve, r.kaplan_meier.curve);
    const half = await timeToReadiness(db.sql, { from: 40.5, to: 71.5, level: "senior" });
    // 45→72 (10), 50→75 (20), 41 (censored 30), 42 (c 4), 48→ day 7 … 71 at 15 (no: < 71.5; c 8),
    // 50 from day 3 → 72 at 9 (6).
    assert.deepEqual(half.learners, { reached_from: 6, reached_to: 3, not_yet_reached: 3 });

    const none = await timeToReadiness(db.sql, { from: 40, to: 70, level: "staff" });
    assert.deepEqual(none.learners, { reached_from: 0, reached_to: 0, not_yet_reached: 0 });
    assert.equal(none.reached_only.median_days, null);
    assert.equal(none.reached_only.mean_days, null);
    assert.equal(none.kaplan_meier.median_days, null);
  } finally {
    await db.close();
  }
});

Deno.test("timeToReadiness: means and medians are exact, rounded once at the 0.005 day edge", async () => {
  const db = await createTestDatabase();
  try {
    // 1.004 and 1.006 days: mean and median 1.005 exactly, which rounds half up to 1.01 (in binary
    // floating point (1.004 + 1.006) / 2 is 1.00499…, which would round to 1.00).
    await learnerWith(db.sql, "senior", [[0, 45], [1.004, 72]]);
    await learnerWith(db.sql, "senior", [[0, 45], [1.006, 72]]);
    const edge = await timeToReadiness(db.sql, { from: 40, to: 70, level: "senior" });
    assert.equal(edge.reached_only.median_days, 1.01);
    assert.equal(edge.reached_only.mean_days, 1.01);
    // Each time on the curve is rounded on its own: 1.004 → 1.00, 1.006 → 1.01.
    assert.deepEqual(edge.kaplan_meier.curve.map((s) => s.days), [1, 1.01]);

    // 1.0001 and 1.0051 days round to 1.00 and 1.01, but their median is 1.0026: 1.00, not the
    // 1.005 → 1.01 that the mean of the two rounded times would give.
    await learnerWith(db.sql, "junior", [[0, 45], [1.0001, 72]]);
    await learnerWith(db.sql, "junior", [[0, 45], [1.0051, 72]]);
    const apart = await timeToReadiness(db.sql, { from: 40, to: 70, level: "junior" });
    assert.equal(apart.reached_only.median_days, 1);
    assert.equal(apart.reached_only.mean_days, 1);
    // The same answers for a threshold that is not a whole point.
    const scan = await timeToReadiness(db.sql, { from: 40, to: 69.5, level: "junior" });
    assert.equal(scan.reached_only.median_days, 1);
  } finally {
    await db.close();
  }
});

Deno.test("timeToReadiness: any threshold, the same answers as reading every snapshot", async () => {
  const db = await createTestDatabase();
  try {
    // 40 learners, 8 snapshots each, overalls with two decimals that rise and fall, some
    // without enough evidence; thresholds on, just below and just above stored values.
    const learners: [day: number, overall: number, sufficient: boolean][][] = [];
    for (let u = 0; u < 40; u++) {
      const snapshots: [number, number, boolean][] = [];
      for (let s = 0; s < 8; s++) {
        const overall = (3000 + ((u * 7919 + s * 104729) % 5000) + s * 300) / 100;
        snapshots.push([s * 1.5 + u / 1000, Math.min(100, overall), (u + s) % 7 !== 0]);
      }
      learners.push(snapshots);
      await learnerWith(db.sql, u % 2 ? "senior" : "junior", snapshots);
    }
    const hundredths = (x: number) => Math.round(x * 100);
    /** By hand: days (to 0.01, half up, from whole milliseconds) and outcome per learner. */
    const expected = (from: number, to: number) => {
      const fromH = Math.ceil(Math.round(from * 1e6) / 1e4);
      const toH = Math.ceil(Math.round(to * 1e6) / 1e4);
      const out: string[] = [];
      for (const snapshots of learners) {
        const counted = snapshots.filter(([, , sufficient]) => sufficient);
        const start = counted.find(([, o]) => hundredths(o) >= fromH);
        if (!start) continue;
        const end = counted.find(([d, o]) => d >= start[0] && hundredths(o) >= toH);
        const last = counted.at(-1)!;
        const us = BigInt(Math.round(((end ?? last)[0] - start[0]) * DAY_MS)) * 1000n;
        out.push(`${(us + 432000000n) / 864000000n}:${end !== undefined}`);
      }
      return out.sort();
    };
    const answered = async (from: number, to: number) => {
      const r = await timeToReadiness(db.sql, { from, to });
      return r.kaplan_meier.curve.flatMap((step) => [
        ...Array(step.reached).fill(`${Math.round(step.days * 100)}:true`),
        ...Array(step.censored).fill(`${Math.round(step.days * 100)}:false`),
      ]).sort();
    };
    const pairs: [number, number][] = [[40, 70], [40.5, 71.5], [0, 100], [55.37, 55.38]];
    // Every stored overall as a threshold, and a hundredth either side of it.
    for (const [, overall] of learners[3].slice(0, 4)) {
      pairs.push([overall - 0.01, overall], [overall, overall + 0.01], [30, overall + 0.001]);
    }
    for (const [from, to] of pairs) {
      assert.deepEqual(await answered(from, to), expected(from, to), `${from} → ${to}`);
    }
  } finally {
    await db.close();
  }
});
