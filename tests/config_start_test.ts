/**
 * `deno task start` with a bad file in config/: it stops before opening the database, exit code 1,
 * one line naming the file and the field.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

/** A copy of the project (its node_modules linked, not copied) whose config/ the test may break. */
async function projectCopy(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "pulse-config-" });
  for await (const entry of Deno.readDir(ROOT)) {
    if (entry.name === ".git") continue;
    if (entry.name === "node_modules") {
      await Deno.symlink(`${ROOT}node_modules`, `${dir}/node_modules`);
      continue;
    }
    const cp = await new Deno.Command("cp", { args: ["-R", `${ROOT}${entry.name}`, dir] })
      .output();
    assert.ok(cp.success, `copy ${entry.name}`);
  }
  return dir;
}

async function start(cwd: string, dataDir: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "main.ts"],
    cwd,
    env: {
      PULSE_DATA_DIR: dataDir,
      PORT: "0",
      PULSE_ANALYTICS_DATABASE_URL: "",
      PULSE_AUTH_SECRET: "",
      PULSE_ENV: "development",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  return {
    code: out.code,
    output: [text(out.stdout), text(out.stderr)].filter(Boolean).join("\n"),
  };
}

Deno.test({
  name: "start with a bad config file: one line naming the file and the field, exit 1",
  fn: async () => {
    const project = await projectCopy();
    const dataDir = await Deno.makeTempDir({ prefix: "pulse-config-data-" });
    try {
      const path = `${project}/config/readiness.json`;
      const readiness = JSON.parse(await Deno.readTextFile(path));
      readiness.bands[0].min = 5;
      await Deno.writeTextFile(path, JSON.stringify(readiness));
      let run = await start(project, dataDir);
      assert.equal(run.code, 1, run.output);
      assert.equal(run.output.split("\n").length, 1, run.output);
      assert.match(run.output, /config\/readiness\.json: bands\.0\.min/);

      // A file that is not JSON at all fails the same way.
      await Deno.writeTextFile(path, "{ nope");
      run = await start(project, dataDir);
      assert.equal(run.code, 1, run.output);
      assert.equal(run.output.split("\n").length, 1, run.output);
      assert.match(run.output, /config\/readiness\.json: cannot read JSON/);

      // Nothing was started: the data directory is as it was.
      assert.deepEqual([...Deno.readDirSync(dataDir)], []);
    } finally {
      await Deno.remove(project, { recursive: true });
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
