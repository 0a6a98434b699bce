import assert from "node:assert/strict";
import { parseFilters, quickPeriodLinks, urlValues } from "./cohort_filters.ts";

const LEVELS = ["junior", "mid", "senior"];
const NOW = Date.parse("2026-12-06T12:34:56.789Z");
const OPTIONS = {
  defaultLabel: "Last 4 weeks",
  longDays: 84,
  longLabel: "Last 12 weeks",
  now: NOW,
};

Deno.test("quick periods keep the profile filters and mark the period shown", () => {
  const values = urlValues({ level: "senior", cohort: "c1", from: "2026-01-01" });
  const { filters } = parseFilters(values, LEVELS);
  const [standard, long] = quickPeriodLinks("/cohorts", values, filters, OPTIONS);
  // The default period: no dates in the link; the long one ends at this minute.
  assert.equal(standard.href, "/cohorts?level=senior&cohort=c1");
  assert.equal(
    long.href,
    "/cohorts?level=senior&cohort=c1&from=2026-09-13T12%3A34%3A00.000Z&to=2026-12-06T12%3A34%3A00.000Z",
  );
  assert.deepEqual([standard.current, long.current], [false, false]);

  // Following each link marks it as the one shown.
  const none = urlValues({ level: "senior" });
  assert.deepEqual(
    quickPeriodLinks("/cohorts", none, parseFilters(none, LEVELS).filters, OPTIONS)
      .map((l) => l.current),
    [true, false],
  );
  const longValues = urlValues(Object.fromEntries(new URL(long.href, "http://x").searchParams));
  assert.deepEqual(
    quickPeriodLinks("/cohorts", longValues, parseFilters(longValues, LEVELS).filters, OPTIONS)
      .map((l) => l.current),
    [false, true],
  );
});
