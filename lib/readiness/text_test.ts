import assert from "node:assert/strict";
import {
  count,
  dateTime,
  dayMonth,
  longDate,
  personGap,
  personScore,
  personSigned,
  signedPoints,
  startOfDay,
  validTimeZone,
  voiceOf,
  wholeDays,
  zonedParts,
} from "./text.ts";

Deno.test("signed points as computed (tables)", () => {
  assert.equal(signedPoints(2.4), "+2.4");
  assert.equal(signedPoints(0.01), "+0.01");
  assert.equal(signedPoints(-0.35), "\u22120.35");
  assert.equal(signedPoints(-3.45), "\u22123.45");
  assert.equal(signedPoints(0), "\u00b10");
  assert.equal(signedPoints(-0), "\u00b10");
});

Deno.test("scores at a person's precision: whole, one decimal where a threshold would hide", () => {
  const bands = [40, 70, 85];
  assert.equal(personScore(76.42, bands), "76");
  assert.equal(personScore(69.5, bands), "69.5");
  assert.equal(personScore(69.6, bands), "69.6");
  assert.equal(personScore(69.95, bands), "69.9");
  assert.equal(personScore(84.96, bands), "84.9");
  assert.equal(personScore(39.99, bands), "39.9");
  assert.equal(personScore(100, bands), "100");
  assert.equal(personScore(70, bands), "70");
  assert.equal(personScore(70.4, bands), "70");
  assert.equal(personScore(69.4, bands), "69");
  assert.equal(personScore(0, bands), "0");
  // The points to a threshold add up with the score shown beside them.
  assert.equal(personGap(76.42, 85, bands), "9");
  assert.equal(personGap(76.5, 85, bands), "8");
  assert.equal(personGap(69.6, 70, bands), "0.4");
  assert.equal(personGap(84.96, 85, bands), "0.1");
  assert.equal(personSigned(6.2), "+6");
  assert.equal(personSigned(-3.45), "\u22123");
  assert.equal(personSigned(0.4), "+0.4");
  assert.equal(personSigned(-0.04), "\u22120.04");
  assert.equal(personSigned(0), "\u00b10");
  assert.equal(wholeDays(71.23), "71 days");
  assert.equal(wholeDays(1.2), "1 day");
  assert.equal(count(1, "snapshot"), "1 snapshot");
  assert.equal(count(2, "snapshot"), "2 snapshots");
});

Deno.test("dates in one format, in the reader's time zone", () => {
  const t = "2026-09-07T22:30:00Z";
  assert.equal(longDate(t), "7 Sep 2026");
  assert.equal(longDate(t, "Asia/Kolkata"), "8 Sep 2026");
  assert.equal(dayMonth(t, "America/Los_Angeles"), "7 Sep");
  assert.equal(dateTime(t, "America/Los_Angeles"), "7 Sep 2026, 15:30");
  assert.equal(dateTime("2026-12-06T00:05:00Z"), "6 Dec 2026, 00:05");
  assert.equal(
    new Date(startOfDay(Date.parse(t), "Asia/Kolkata")).toISOString(),
    "2026-09-07T18:30:00.000Z",
  );
  assert.equal(
    new Date(startOfDay(Date.parse("2026-11-01T12:00:00Z"), "America/Los_Angeles")).toISOString(),
    "2026-11-01T07:00:00.000Z",
  );
  assert.equal(validTimeZone("Asia/Kolkata"), "Asia/Kolkata");
  assert.equal(validTimeZone("Mars/Olympus"), null);
  assert.equal(validTimeZone(""), null);
});

Deno.test("UTC calendar fields without Intl are the fields Intl gives", () => {
  const intl = new Intl.DateTimeFormat("en-GB", {
    timeZone: "UTC",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    hourCycle: "h23",
  });
  const times = [
    Date.UTC(2026, 11, 6, 0, 0),
    Date.UTC(2026, 11, 6, 23, 59, 59, 999),
    Date.UTC(2024, 1, 29, 12, 30),
    Date.UTC(1999, 11, 31, 23, 59),
    Date.UTC(2000, 0, 1, 0, 0),
    Date.UTC(9999, 11, 31, 23, 59),
    ...Array.from({ length: 500 }, (_, i) => Date.UTC(2020, 0, 1) + i * 7_919_993_311),
  ];
  for (const ms of times) {
    const p = Object.fromEntries(
      intl.formatToParts(new Date(ms)).filter((x) => x.type !== "literal").map((x) => [
        x.type,
        +x.value,
      ]),
    );
    assert.deepEqual(zonedParts(ms, "UTC"), {
      year: p.year,
      month: p.month,
      day: p.day,
      hour: p.hour % 24,
      minute: p.minute,
    }, new Date(ms).toISOString());
  }
});

Deno.test("the reader's voice", () => {
  const learner = voiceOf({ audience: "learner", name: "" });
  const staff = voiceOf({ audience: "staff", name: "Jonas" });
  assert.deepEqual([learner.YouAre, learner.Your, learner.verb("reach")], [
    "You're",
    "Your",
    "reach",
  ]);
  assert.deepEqual([staff.YouAre, staff.Your, staff.verb("reach"), staff.verb("have")], [
    "Jonas is",
    "Jonas's",
    "reaches",
    "has",
  ]);
});
