import assert from "node:assert/strict";
import { projectReadiness } from "./projection.ts";
import { snap } from "./snapshot_fixture.ts";
import { readinessConfig as config, rubrics } from "../../shipped_config.ts";

Deno.test("projection: a straight line of 5 snapshots over 14 days, hand-computed", () => {
  // overall 50, 52, 54, 56, 58 at days 0, 3.5, 7, 10.5, 14: slope 4/7 points per day = 4 per
  // week, residuals 0 → standard error 0. From 58 to 70: 12 / (4/7) = 21 days after day 14 →
  // day 35 = 5 Nov 2026 (T0 is 1 Oct 09:00).
  const history = [0, 1, 2, 3, 4].map((i) => snap(i * 3.5, 50 + 2 * i)).reverse();
  const p = projectReadiness(history, config, rubrics);
  assert.equal(p.shown, true);
  assert.equal(p.points_per_week, 4);
  assert.equal(p.target, 70);
  assert.equal(p.date, "2026-11-05");
  assert.equal(p.earliest, "2026-11-05");
  assert.equal(p.latest, "2026-11-05");
  assert.match(p.text!, /^At this pace you reach 70 \(Nearly Ready\) around 5 Nov 2026/);
});

Deno.test("projection abstains and says what is missing", () => {
  // 4 snapshots over 14 days: one short.
  const four = [0, 1, 2, 3].map((i) => snap(i * 14 / 3, 50 + i)).reverse();
  const a = projectReadiness(four, config, rubrics);
  assert.equal(a.shown, false);
  assert.match(
    a.reason!,
    /1 more session \(it needs 5 snapshots over at least 14 days; you have 4/,
  );
  // 5 snapshots over 13 days: one more day.
  const short = [0, 1, 2, 3, 4].map((i) => snap(i * 13 / 4, 50 + i)).reverse();
  assert.match(projectReadiness(short, config, rubrics).reason!, /1 more day of practice/);
  // Flat: slope 0.
  const flat = [0, 1, 2, 3, 4].map((i) => snap(i * 4, 55)).reverse();
  const f = projectReadiness(flat, config, rubrics);
  assert.equal(f.shown, false);
  assert.equal(f.points_per_week, 0);
  assert.match(f.reason!, /flat or going down/);
  // Too slow: 0.7 points per week, 14 points from 70 = 140 days > 120.
  const slow = [0, 1, 2, 3, 4].map((i) => snap(i * 5, 55 + i * 0.5)).reverse();
  assert.match(projectReadiness(slow, config, rubrics).reason!, /more than 120 days away/);
  // Insufficient-evidence snapshots do not count.
  const insufficient = [0, 1, 2, 3, 4].map((i) =>
    snap(i * 5, 50 + i, {}, { band: "Insufficient evidence" })
  ).reverse();
  assert.match(projectReadiness(insufficient, config, rubrics).reason!, /No scored readiness/);
  // Snapshots older than the lookback (60 days before the latest) are left out.
  const old = [snap(0, 40), snap(10, 42), snap(20, 44), snap(30, 46), snap(100, 60)].reverse();
  const o = projectReadiness(old, config, rubrics);
  assert.equal(o.snapshots_used, 1);
  assert.equal(o.shown, false);
});

Deno.test("projection: a noisy trend gives a range around the date", () => {
  // y = 50, 54, 52, 56, 54, 58 at days 0..25 step 5: Sxy = 110, Sxx = 437.5, slope 0.25143
  // per day = 1.76 per week; the residuals are not 0, so the range is not a single day.
  const ys = [50, 54, 52, 56, 54, 58];
  const history = ys.map((y, i) => snap(i * 5, y)).reverse();
  const p = projectReadiness(history, config, rubrics);
  assert.equal(p.shown, true);
  assert.equal(p.points_per_week, 1.76);
  assert.ok(p.earliest! < p.date!);
  assert.ok(p.latest === null || p.latest > p.date!);
});
