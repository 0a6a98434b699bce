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

Deno.test("stdout lines are written in batches, all of them, in order, warnings after them", async () => {
  // A process logging as a server does: many lines in one turn, a warning, more lines, exit.
  const program = `
    import { log } from ${JSON.stringify(new URL("./log.ts", import.meta.url).href)};
    for (let i = 0; i < 600; i++) log.info("request", { i });
    await new Promise((r) => setTimeout(r, 10));
    log.info("request", { i: 600 });
    log.warn("slow");
    for (let i = 601; i < 700; i++) log.info("request", { i });
    Deno.exit(0);
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", program],
    env: { PULSE_ENV: "production" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.i), Array.from({ length: 700 }, (_, i) => i));
  assert.equal(JSON.parse(new TextDecoder().decode(out.stderr)).msg, "slow");
});
