/** Every ops script answers --help with its usage and exit 0, touching no database. */
import assert from "node:assert/strict";
import { runScript } from "../tests/scripts.ts";

const SCRIPTS = [
  "recompute",
  "import_history",
  "backfill_transcripts",
  "seed_demo",
  "db",
  "token",
];

Deno.test("ops scripts: --help prints the usage, exits 0 and opens nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pulse-help-" });
  try {
    for (const script of SCRIPTS) {
      for (const flag of ["--help", "-h"]) {
        const out = await runScript(
          new URL(`./${script}.ts`, import.meta.url).pathname,
          [flag],
          { PULSE_DATA_DIR: `${dir}/data` },
        );
        assert.equal(out.code, 0, `${script} ${flag}: ${out.stderr.join("\n")}`);
        assert.match(out.stdout.join("\n"), /usage/i, script);
      }
    }
    // No database was opened: the data directory was never created.
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
