import assert from "node:assert/strict";
import { kaplanMeierPoints, medianSentence, percent } from "./CohortView.tsx";

const step = (days: number, at_risk: number, reached: number, censored: number, s: number) => ({
  days,
  at_risk,
  reached,
  censored,
  not_yet_reached: s,
});

Deno.test("the Kaplan–Meier curve starts at 100 % on day 0 and drops only where learners reach", () => {
  // 5 learners: reached at 21 (1 of 5 → 0.8), censored at 30, reached at 60 (1 of 2 at risk
  // → 0.8 · 1/2 = 0.4), censored at 60 as well (counted after the event).
  const { points, marks } = kaplanMeierPoints([
    step(21, 5, 1, 0, 0.8),
    step(30, 4, 0, 2, 0.8),
    step(60, 2, 1, 1, 0.4),
  ]);
  assert.deepEqual(points.map((p) => [p.x, p.y]), [[0, 100], [21, 80], [60, 40]]);
  // Censored learners sit on the curve at the level in force on their day.
  assert.deepEqual(marks.map((m) => [m.x, m.y]), [[30, 80], [60, 40]]);
  assert.match(marks[0].title, /2 still on the way at day 30/);
});

Deno.test("shares show as percentages with one decimal", () => {
  assert.equal(percent(0.666667), 66.7);
  assert.equal(percent(1), 100);
  assert.equal(percent(0.125), 12.5);
});

Deno.test("one median in plain words, or why it is not known yet", () => {
  const learners = { reached_from: 5, reached_to: 3, not_yet_reached: 2 };
  assert.match(
    medianSentence(23.5, 40, 70, learners),
    /^Half of the learners who reach 40 get to 70 within 24 days\. This counts the 2 still on the way/,
  );
  assert.match(medianSentence(null, 40, 70, learners), /Fewer than half of the 5 learners/);
  assert.equal(
    medianSentence(null, 40, 70, { reached_from: 0, reached_to: 0, not_yet_reached: 0 }),
    "No learner has reached 40 yet.",
  );
});
