import assert from "node:assert/strict";
import { kaplanMeierSteps } from "./CohortView.tsx";

Deno.test("the Kaplan–Meier curve is drawn as steps", () => {
  assert.deepEqual(
    kaplanMeierSteps([
      { days: 0, not_yet_reached: 1 },
      { days: 21, not_yet_reached: 0.8 },
      { days: 30, not_yet_reached: 0.8 },
      { days: 60, not_yet_reached: 0.4 },
    ]),
    [
      { days: 0, percent: 100 },
      { days: 21, percent: 100 },
      { days: 21, percent: 80 },
      { days: 30, percent: 80 },
      { days: 60, percent: 80 },
      { days: 60, percent: 40 },
    ],
  );
});
