/** Every task answers --help with its usage and exit 0, touching no database. */
import assert from "node:assert/strict";
import { childEnv, runScript } from "../tests/scripts.ts";

/** The tasks of deno.json that people run by hand (not start, test, check, install:test). */
const NOT_OPS = new Set(["start", "test", "check", "install:test"]);
const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("every task answers --help and -h with its usage, exit 0, opening nothing", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as {
    tasks: Record<string, string>;
  };
  const names = Object.keys(tasks).filter((name) => !NOT_OPS.has(name));
  for (const name of ["token", "db:migrate", "bench", "recompute", "backfill", "build"]) {
    assert.ok(names.includes(name), `task ${name} is gone`);
  }
  const dir = await Deno.makeTempDir({ prefix: "pulse-help-" });
  try {
    // In parallel: each is a Deno process, most of whose time is start-up.
    const runs = names.flatMap((name) =>
      // -h once (every task parses both through the same exitOnHelp), --help for all.
      (name === "token" ? ["--help", "-h"] : ["--help"]).map(async (flag) => {
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["task", "--quiet", name, flag],
          cwd: ROOT,
          env: childEnv({ PULSE_DATA_DIR: `${dir}/data` }),
          clearEnv: true,
          stdin: "null",
        }).output();
        const text = (b: Uint8Array) => new TextDecoder().decode(b);
        return { name, flag, code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
      })
    );
    for (const run of await Promise.all(runs)) {
      const what = `deno task ${run.name} ${run.flag}`;
      assert.equal(run.code, 0, `${what}: ${run.stderr}`);
      assert.match(run.stdout, /usage/i, what);
    }
    // No database was opened and nothing was built: the data directory was never created.
    await assert.rejects(() => Deno.stat(`${dir}/data`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ops scripts: a bad argument is exit 2 with the usage", async () => {
  const out = await runScript(
    new URL("./recompute.ts", import.meta.url).pathname,
    ["--user", "not-a-uuid"],
    {},
  );
  assert.equal(out.code, 2);
  assert.match(out.stderr.join("\n"), /usage/);
});
