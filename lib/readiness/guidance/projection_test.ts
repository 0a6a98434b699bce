import assert from "node:assert/strict";
import { calibrationInterval, projectReadiness, tQuantile80, withinHorizon } from "./projection.ts";
import { DAY, snap, T0 } from "./snapshot_fixture.ts";
import { readinessConfig as config, rubrics } from "../../../tests/static_config.ts";

/** `now` `days` after T0 (1 Oct 2026 09:00 UTC). */
const at = (days: number) => ({ now: T0 + days * DAY });

Deno.test("projection: a straight line of 5 snapshots over 14 days, hand-computed", () => {
  // overall 50, 52, 54, 56, 58 at days 0, 3.5, 7, 10.5, 14: slope 4/7 points per day = 4 per
  // week, residuals 0 → a range of one day. 70 is reached at day 35 = 5 Nov 2026, 21 days after
  // now (day 14).
  const history = [0, 1, 2, 3, 4].map((i) => snap(i * 3.5, 50 + 2 * i)).reverse();
  const p = projectReadiness(history, config, rubrics, at(14));
  assert.equal(p.shown, true);
  assert.equal(p.points_per_week, 4);
  assert.equal(p.target, 70);
  assert.equal(p.date, "2026-11-05");
  assert.equal(p.earliest, "2026-11-05");
  assert.equal(p.latest, "2026-11-05");
  assert.equal(p.text, "At this pace you reach 70 (Nearly Ready) around 5 Nov 2026.");
  // For staff, the same in the third person.
  const staff = projectReadiness(history, config, rubrics, {
    ...at(14),
    reader: { audience: "staff", name: "Maya", timeZone: "UTC" },
  });
  assert.equal(staff.text, "At this pace Maya reaches 70 (Nearly Ready) around 5 Nov 2026.");
});

Deno.test("projection: measured from now, never a date before today", () => {
  // Rising to 69.9 and then a dip to 66: the fitted line crosses 70 around day 31 but now is day
  // 40, so the date is today and the sentence says so.
  const ys = [55, 62, 69, 69.9, 66];
  const history = ys.map((y, i) => snap(i * 7, y)).reverse();
  const p = projectReadiness(history, config, rubrics, at(40));
  assert.equal(p.shown, true);
  const today = new Date(T0 + 40 * DAY).toISOString().slice(0, 10);
  assert.ok(p.date! >= today && p.earliest! >= today, JSON.stringify(p));
  assert.match(p.text!, /^At this pace you reach 70 \(Nearly Ready\) in the coming sessions/);
});

Deno.test("projection: an old history says when practice stopped, never a past date", () => {
  // Five rising snapshots from July to 7 Sep; now is 6 Dec: more than 14 days since the latest
  // and none in the 60-day lookback.
  const history = [0, 14, 28, 42, 68].map((d, i) => snap(d - 92, 50 + 3 * i)).reverse();
  assert.equal(history[0].ts, "2026-07-01T09:00:00.000Z".replace("07-01", "09-07"));
  const p = projectReadiness(history, config, rubrics, at(66));
  assert.equal(p.shown, false);
  assert.equal(p.date, null);
  assert.equal(p.text, null);
  assert.equal(
    p.reason,
    "Practice stopped on 7 Sep 2026, so there is no date to project. One more session would " +
      "update your readiness; the projection then needs 4 more sessions and 14 more days of " +
      "practice.",
  );
  // 20 days after the latest of a full 60-day history: one more session brings it back.
  const recent = [0, 7, 14, 21, 28].map((d, i) => snap(d, 50 + 3 * i)).reverse();
  const q = projectReadiness(recent, config, rubrics, {
    ...at(48),
    reader: { audience: "staff", name: "Jonas", timeZone: "Asia/Kolkata" },
  });
  assert.equal(
    q.reason,
    "Practice stopped on 29 Oct 2026, so there is no date to project. One more session would " +
      "bring the projection back, from Jonas's level then.",
  );
});

Deno.test("projection: exactly 120 days away is shown; 1 ms more is not", () => {
  // y = 57.6 + 0.08 d at d = 0, 7, 14, 21, 28 (exact hundredths): 70 at d = 155. From now = day
  // 35 that is exactly 120 days; gap / slope in binary floating point is not.
  const ys = [57.6, 58.16, 58.72, 59.28, 59.84];
  const history = ys.map((y, i) => snap(i * 7, y)).reverse();
  const p = projectReadiness(history, config, rubrics, at(35));
  assert.equal(p.shown, true, p.reason ?? "");
  assert.equal(p.date, "2027-03-05");
  const later = projectReadiness(history, config, rubrics, { now: T0 + 35 * DAY - 1 });
  assert.equal(later.shown, false);
  assert.match(later.reason!, /more than 120 days from now/);
  // The exact rule itself, on the same points.
  const ms = ys.map((_, i) => T0 + i * 7 * DAY);
  assert.equal(withinHorizon(ms, ys, 70, T0 + 35 * DAY, 120 * DAY), true);
  assert.equal(withinHorizon(ms, ys, 70, T0 + 35 * DAY - 1, 120 * DAY), false);
});

Deno.test("projection: the range is the 80 % inverse-prediction interval (hand-computed)", () => {
  // y = 50, 54, 52, 56, 54, 58 at x = 0, 5, …, 25 days. x̄ = 12.5, ȳ = 54, Sxx = 437.5,
  // Sxy = 110, b = 0.251429/day (1.76/week), RSS = Syy − b·Sxy = 40 − 27.657143 = 12.342857,
  // s = √(RSS/4) = 1.756620, t₀.₉₀(4) = 1.533, k = t·s = 2.692899. D = 70 − 54 = 16.
  // A = b² − k²/Sxx = 0.063216 − 0.016575 = 0.046641.
  // Half width on u: k·√(D²/Sxx + A(1 + 1/6)) / A = 2.692899 · 0.799724 / 0.046641 = 46.1734.
  // Centre (bD/A) 86.2516 → u from 40.0782 to 132.4249 → x from 52.578 to 144.925 days
  // (width 92.347), the line's crossing at x̄ + D/b = 76.136.
  const x = [0, 5, 10, 15, 20, 25];
  const y = [50, 54, 52, 56, 54, 58];
  assert.equal(tQuantile80(4), 1.533);
  const c = calibrationInterval(x, y, 70);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 0.001, `${a} ≠ ${b}`);
  close(c.point, 76.136);
  close(c.lo!, 52.578);
  close(c.hi!, 144.925);
  close(c.hi! - c.lo!, 92.347);
  // Wider with more scatter: the same line with 1.5 times the residuals; twice the residuals
  // and the slope is no longer clearly positive, so the range has no end.
  const scatter = (f: number) => y.map((v, i) => v + (f - 1) * (v - (50.857143 + 1.257143 * i)));
  const noisier = calibrationInterval(x, scatter(1.5), 70);
  close(noisier.point, c.point);
  assert.ok(noisier.hi! - noisier.lo! > c.hi! - c.lo! + 10);
  assert.equal(calibrationInterval(x, scatter(2), 70).hi, null);
  // On the page: from now = day 30, crossing day 76.14 = 16 Dec, range 22 Nov – 23 Feb.
  const history = y.map((v, i) => snap(x[i], v)).reverse();
  const p = projectReadiness(history, config, rubrics, at(30));
  assert.equal(p.shown, true);
  assert.equal(p.points_per_week, 1.76);
  assert.deepEqual([p.earliest, p.date, p.latest], ["2026-11-22", "2026-12-16", "2027-02-23"]);
  assert.equal(
    p.text,
    "At this pace you reach 70 (Nearly Ready) around 16 Dec 2026 — likely between 22 Nov 2026 " +
      "and 23 Feb 2027.",
  );
});

Deno.test("projection abstains and says what is missing", () => {
  // 4 snapshots over 14 days: one short.
  const four = [0, 1, 2, 3].map((i) => snap(i * 14 / 3, 50 + i)).reverse();
  const a = projectReadiness(four, config, rubrics, at(14));
  assert.equal(a.shown, false);
  assert.match(
    a.reason!,
    /1 more session \(it needs 5 snapshots over at least 14 days; you have 4 snapshots over 14 days/,
  );
  // 5 snapshots over 13 days: one more day.
  const short = [0, 1, 2, 3, 4].map((i) => snap(i * 13 / 4, 50 + i)).reverse();
  assert.match(
    projectReadiness(short, config, rubrics, at(13)).reason!,
    /1 more day of practice/,
  );
  // Flat: slope 0.
  const flat = [0, 1, 2, 3, 4].map((i) => snap(i * 4, 55)).reverse();
  const f = projectReadiness(flat, config, rubrics, at(16));
  assert.equal(f.shown, false);
  assert.equal(f.points_per_week, 0);
  assert.match(f.reason!, /flat or going down/);
  // Too slow: 0.7 points per week, 14 points from 70 = 140 days > 120.
  const slow = [0, 1, 2, 3, 4].map((i) => snap(i * 5, 55 + i * 0.5)).reverse();
  assert.match(
    projectReadiness(slow, config, rubrics, at(20)).reason!,
    /more than 120 days from now/,
  );
  // Insufficient-evidence snapshots do not count.
  const insufficient = [0, 1, 2, 3, 4].map((i) =>
    snap(i * 5, 50 + i, {}, { band: "Insufficient evidence" })
  ).reverse();
  assert.match(
    projectReadiness(insufficient, config, rubrics, at(20)).reason!,
    /No scored readiness/,
  );
  // Snapshots older than the lookback (60 days before now) are left out.
  const old = [snap(0, 40), snap(10, 42), snap(20, 44), snap(30, 46), snap(100, 60)].reverse();
  const o = projectReadiness(old, config, rubrics, at(100));
  assert.equal(o.snapshots_used, 1);
  assert.equal(o.shown, false);
  assert.match(o.reason!, /you have 1 snapshot over 0 days/);
});
