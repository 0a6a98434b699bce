import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import { dayMonth, numberTicks, percentOf, timeDomain, timeTicks } from "../lib/ui/time_axis.ts";
import { TimeChart } from "./TimeChart.tsx";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse("2026-11-01T00:00:00Z");

Deno.test("points sit at their time: irregular gaps stay irregular", () => {
  // Days 0, 1, 2 and 10: evenly spaced labels would put them at 0, 33.3, 66.7, 100 %.
  const times = [0, 1, 2, 10].map((d) => T0 + d * DAY);
  const html = render(
    <TimeChart
      label="test"
      points={times.map((t, i) => ({ x: t, y: 50 + i, title: "", key: String(t) }))}
      xDomain={timeDomain(times)}
      xTicks={timeTicks(timeDomain(times))}
      yTicks={[{ value: 0, label: "0" }, { value: 100, label: "100" }]}
      lines={[{ value: 70, label: "Nearly Ready" }]}
    />,
  );
  const lefts = [...html.matchAll(/class="dot"[^>]*style="left:\s*([\d.]+)%/g)].map((m) =>
    Number(m[1])
  );
  assert.deepEqual(lefts, [0, 10, 20, 100]);
  // The band line is at 70: 30 % from the top, in the 0–1000 SVG space.
  assert.match(html, /class="band-line" data-band="70" x1="0" x2="1000" y1="300.0" y2="300.0"/);
  assert.match(html, />Nearly Ready</);
});

Deno.test("a step chart moves only horizontally and vertically, to the end of the domain", () => {
  const html = render(
    <TimeChart
      label="km"
      step
      points={[{ x: 0, y: 100, title: "", key: "a" }, { x: 5, y: 50, title: "", key: "b" }]}
      xDomain={[0, 10]}
      xTicks={numberTicks(10)}
      yTicks={[]}
    />,
  );
  assert.match(html, /d="M0\.0 0\.0H500\.0V500\.0H1000\.0"/);
});

Deno.test("time ticks: the reader's midnights, enough for the span, fewer on narrow charts", () => {
  // 40 days: every 3 days (14 ticks), every 5th of them kept on narrow charts.
  const ticks = timeTicks([T0 + 3600_000, T0 + 40 * DAY]);
  assert.ok(ticks.length <= 14);
  assert.equal(ticks[0].value, T0 + DAY);
  assert.deepEqual(ticks.filter((t) => !t.minor).map((t) => t.label), [
    "2 Nov",
    "17 Nov",
    "2 Dec",
  ]);
  // 12 weeks: weekly at full width, at most 3 on a phone.
  const weeks = timeTicks([T0, T0 + 84 * DAY]);
  assert.equal(weeks.length, 13);
  assert.equal(weeks[1].value - weeks[0].value, 7 * DAY);
  assert.ok(weeks.filter((t) => !t.minor).length <= 3);
  // In Kolkata the ticks are at its midnights (18:30 UTC the day before).
  const kolkata = timeTicks([T0, T0 + 10 * DAY], "Asia/Kolkata");
  assert.equal(new Date(kolkata[0].value).toISOString(), "2026-11-01T18:30:00.000Z");
  assert.equal(kolkata[0].label, "2 Nov");
  assert.equal(dayMonth(Date.parse("2026-12-31T23:59:59Z")), "31 Dec");
  assert.equal(dayMonth(Date.parse("2026-09-07T12:00:00Z")), "7 Sep");
  // The axis ends at the data: one snapshot gets the week before it, never tomorrow.
  assert.deepEqual(timeDomain([T0]), [T0 - 7 * DAY, T0]);
  assert.equal(percentOf(5, [5, 5]), 50);
  assert.deepEqual(numberTicks(72).map((t) => t.label), [
    "0 d",
    "14 d",
    "28 d",
    "42 d",
    "56 d",
    "70 d",
  ]);
});
