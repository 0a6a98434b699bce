import assert from "node:assert/strict";
import {
  badStringReason,
  describeIssues,
  findBadString,
  isoTimestamp,
  jsonDepth,
  normaliseTerm,
  unstorableTimestampReason,
  Vocabulary,
} from "./validation.ts";

Deno.test("strings Postgres can store", () => {
  assert.equal(badStringReason("plain ascii, émigré, 😀"), null);
  assert.match(badStringReason("a\0b")!, /NUL/);
  assert.match(badStringReason("\ud800")!, /surrogate/);
  assert.match(badStringReason("x\udfff")!, /surrogate/);
  assert.equal(badStringReason("\ud83d\ude00"), null);
  assert.deepEqual(findBadString({ a: [1, { b: "ok", c: "no\0" }] }), {
    path: ["a", 1, "c"],
    message: "must not contain a NUL character (U+0000)",
  });
  assert.deepEqual(findBadString({ ok: { "k\0": 1 } })?.path, ["ok", "k\\u0000"]);
  assert.equal(findBadString({ a: [null, true, 1.5, "x"] }), null);
  // Deep values are walked without recursion.
  let deep: unknown = "\0";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(findBadString(deep)?.path.length, 100_000);
});

Deno.test("JSON depth is counted without parsing; brackets inside strings do not count", () => {
  assert.equal(jsonDepth("1"), 0);
  assert.equal(jsonDepth('{"a":[1,{"b":[]}]}'), 4);
  assert.equal(jsonDepth('{"a":"[[[[{{{{\\"]]]"}'), 1);
  assert.equal(jsonDepth("[".repeat(1_000_000), 64), 65); // stops once past the limit
});

Deno.test("timestamps Postgres cannot store are refused; future ones when asked", () => {
  assert.equal(unstorableTimestampReason("2026-11-02T09:00:00Z"), null);
  assert.equal(unstorableTimestampReason("2026-11-02T09:00:00-15:59"), null);
  assert.match(unstorableTimestampReason("0000-01-01T00:00:00Z")!, /year 0000/);
  assert.match(unstorableTimestampReason("2026-11-02T09:00:00+16:00")!, /\+16:00.*15:59/);
  assert.match(unstorableTimestampReason("2026-11-02T09:00:00.5-23:59")!, /-23:59/);
  assert.match(unstorableTimestampReason("0001-01-01T00:00:00+14:00")!, /0001–9999.*UTC/);
  assert.match(unstorableTimestampReason("9999-12-31T23:59:59-15:59")!, /0001–9999.*UTC/);
  assert.equal(unstorableTimestampReason("0001-01-01T00:00:00Z"), null);
  assert.equal(unstorableTimestampReason("0001-01-01T10:00:00+10:00"), null);
  assert.equal(unstorableTimestampReason("9999-12-31T23:59:59.999999Z"), null);
  assert.equal(unstorableTimestampReason("2026-11-02T09:00:00.123456789Z"), null);
  assert.match(unstorableTimestampReason(`2026-11-02T09:00:00.${"9".repeat(2000)}Z`)!, /2000 /);
  const past = isoTimestamp({ maxFutureMs: 5 * 60_000 });
  assert.ok(past.safeParse("2026-11-02T09:00:00Z").success);
  assert.ok(past.safeParse(new Date(Date.now() + 4 * 60_000).toISOString()).success);
  const ahead = past.safeParse(new Date(Date.now() + 6 * 60_000).toISOString());
  assert.ok(!ahead.success);
  assert.match(ahead.error.issues[0].message, /more than 5 minutes in the future/);
  assert.ok(!isoTimestamp().safeParse("0000-06-01T00:00:00+00:00").success);
  assert.ok(isoTimestamp().safeParse("9999-12-31T08:00:00-15:59").success);
  // Year 10000 once converted to UTC.
  assert.ok(!isoTimestamp().safeParse("9999-12-31T23:59:59-15:59").success);
});

Deno.test("vocabulary: keys and labels in any case resolve to the key", () => {
  const v = new Vocabulary("skill tag", [
    { key: "technical_depth", label: "Technical depth" },
    { key: "probe", label: "Probing" },
  ]);
  assert.equal(normaliseTerm("  Technical-Depth "), "technical_depth");
  assert.equal(v.resolve("TECHNICAL DEPTH"), "technical_depth");
  assert.equal(v.resolve("Probing"), "probe");
  assert.equal(v.resolve("probe"), "probe");
  assert.equal(v.resolve("charisma"), null);
  assert.match(
    v.unknown("charisma"),
    /unknown skill tag 'charisma'; allowed: technical_depth, probe/,
  );
  assert.equal(v.schema().parse("PROBING"), "probe");
  assert.throws(
    () => new Vocabulary("step", [{ key: "a", label: "B" }, { key: "b", label: "Bee" }]),
    /names both 'a' and 'b'/,
  );
});

Deno.test("describeIssues writes the first issue in each caller's style", () => {
  const issues = [
    { path: ["answers", 0, "text"], message: "Required" },
    { path: ["user_id"], message: "Invalid UUID" },
  ];
  assert.equal(describeIssues(issues), "answers.0.text: Required (and 1 more)");
  assert.equal(
    describeIssues(issues, { path: "brackets" }),
    "answers[0].text: Required (and 1 more)",
  );
  assert.equal(describeIssues([issues[1]]), "user_id: Invalid UUID");
  assert.equal(describeIssues([{ path: [], message: "Bad" }]), "Bad");
  assert.equal(
    describeIssues([{ path: [], message: "Bad" }], { root: "(root)", separator: " " }),
    "(root) Bad",
  );
  assert.equal(
    describeIssues([{ path: ["session-id", 1], message: "must be a UUID" }, ...issues], {
      path: "head",
      separator: " ",
      more: false,
    }),
    "session-id must be a UUID",
  );
  assert.equal(describeIssues([]), "unknown problem");
});
