/** Log lines: JSON for machines, readable text at a terminal during development. */
import assert from "node:assert/strict";
import { chooseFormat, formatLine, log, setFormat, setSink } from "./log.ts";

Deno.test("the format follows the terminal and the environment", () => {
  assert.equal(chooseFormat("development", true), "text");
  assert.equal(chooseFormat(undefined, true), "text");
  assert.equal(chooseFormat("development", false), "json");
  assert.equal(chooseFormat("production", true), "json");
});

Deno.test("a record as JSON and as a readable line", () => {
  const ts = new Date(2026, 10, 5, 12, 3, 4).toISOString();
  const record = {
    ts,
    level: "info" as const,
    msg: 'PULSE Analytics listening on "http://localhost:8000"',
    host: "0.0.0.0",
    port: 8000,
    note: "two words",
  };
  assert.deepEqual(JSON.parse(formatLine(record, "json")), record);
  assert.equal(
    formatLine(record, "text"),
    '12:03:04 INFO  PULSE Analytics listening on "http://localhost:8000"  host=0.0.0.0  port=8000  ' +
      'note="two words"',
  );
  assert.equal(
    formatLine({ ts, level: "warn", msg: "slow" }, "text"),
    "12:03:04 WARN  slow",
  );
});

Deno.test("log writes the chosen format through the sink, secrets masked", () => {
  const lines: string[] = [];
  const restoreSink = setSink((line) => lines.push(line));
  const restoreFormat = setFormat("text");
  try {
    log.info("stopped", { password: "hunter2" });
    setFormat("json");
    log.error("failed", { url: "postgres://app:hunter2@db/x" });
  } finally {
    restoreFormat();
    restoreSink();
  }
  assert.match(lines[0], /^\d\d:\d\d:\d\d INFO {2}stopped {2}password=\*\*\*$/);
  assert.deepEqual(
    { ...JSON.parse(lines[1]), ts: "" },
    { ts: "", level: "error", msg: "failed", url: "postgres://app:***@db/x" },
  );
});
