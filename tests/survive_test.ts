/**
 * survive() in a real process: an error from the database driver that escapes every handler
 * leaves the process running; any other error ends it with exit code 1 and one error log line
 * (message and stack, secrets masked). The child is tests/survive_child.ts.
 */
import assert from "node:assert/strict";
import { runScript } from "./scripts.ts";

const CHILD = new URL("./survive_child.ts", import.meta.url).pathname;

function errorLines(stderr: string[]) {
  return stderr.map((line) => JSON.parse(line)).filter((record) => record.level === "error");
}

for (const [which, what] of [["driver-rejection", "rejection"], ["driver-exception", "error"]]) {
  Deno.test(`survive: a driver connection error (uncaught ${what}) leaves the process alive`, async () => {
    const out = await runScript(CHILD, [which], {});
    assert.equal(out.code, 0, out.stderr.join("\n"));
    assert.deepEqual(out.stdout, ["alive"]);
    const [line, ...more] = errorLines(out.stderr);
    assert.deepEqual(more, []);
    assert.match(line.msg, /\(database or network; process kept alive\)$/);
    assert.match(line.error, /ECONNREFUSED/);
    assert.doesNotMatch(out.stderr.join("\n"), /hunter2/);
  });
}

Deno.test("survive: an unhandled plain Error ends the process with exit code 1 and one line", async () => {
  const out = await runScript(CHILD, ["app-rejection"], {});
  assert.equal(out.code, 1, out.stdout.join("\n"));
  assert.deepEqual(out.stdout, []);
  assert.equal(out.stderr.length, 1, out.stderr.join("\n"));
  const [line] = errorLines(out.stderr);
  assert.equal(line.msg, "unhandled rejection (process exits)");
  assert.equal(line.error, "Error: app bug: cannot reach postgres://app:***@db.internal/pulse");
  assert.match(line.stack, /survive_child\.ts:\d+:\d+/);
  assert.doesNotMatch(out.stderr[0], /hunter2/);
});

Deno.test("survive: an uncaught TypeError from app code ends the process with exit code 1", async () => {
  const out = await runScript(CHILD, ["app-exception"], {});
  assert.equal(out.code, 1, out.stdout.join("\n"));
  assert.deepEqual(out.stdout, []);
  assert.equal(out.stderr.length, 1, out.stderr.join("\n"));
  const [line] = errorLines(out.stderr);
  assert.equal(line.msg, "uncaught error (process exits)");
  assert.match(line.error, /^TypeError: Cannot read properties of undefined/);
  assert.match(line.stack, /survive_child\.ts:\d+:\d+/);
});
