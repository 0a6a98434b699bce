/**
 * The app's import graph holds the app: deno.json (and deno.lock) name only what `deno task start`
 * and the ops scripts load; test, bench and infra tools live in deno.test.json (and deno.test.lock),
 * which repeats every app entry unchanged.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;
const MAX_APP_PACKAGES = 150;
/** Packages only tests, benches or infra checks load; none may reach the app's lock. */
const TEST_ONLY = [
  "azurite",
  "playwright-core",
  "@cdktf/hcl2json",
  "@cdktf/provider-azurerm",
  "fast-check",
  "oidc-provider",
  "axe-core",
  "@redocly/cli",
  "ajv",
  "protobufjs",
];
/** Entry points run by app tasks (`start` and the ops scripts) with the app's configuration. */
const APP_ENTRIES = [
  "main.ts",
  "scripts/token.ts",
  "scripts/db.ts",
  "scripts/seed_demo.ts",
  "scripts/recompute.ts",
  "scripts/backfill_transcripts.ts",
  "scripts/import_history.ts",
  "scripts/build.ts",
];

const readJson = async (name: string) => JSON.parse(await Deno.readTextFile(`${ROOT}${name}`));
const packageName = (key: string) => key.replace(/^(@?[^@]+)@.*$/, "$1");

Deno.test("deno.test.json repeats every app import and compiler option unchanged", async () => {
  const app = await readJson("deno.json");
  const test = await readJson("deno.test.json");
  for (const [name, target] of Object.entries(app.imports)) {
    assert.equal(test.imports[name], target, `deno.test.json imports.${name}`);
  }
  assert.deepEqual(test.compilerOptions, app.compilerOptions);
  assert.equal(test.nodeModulesDir, app.nodeModulesDir);
  assert.equal(test.lock, "deno.test.lock");
  for (const name of TEST_ONLY) {
    assert.equal(app.imports[name], undefined, `${name} belongs in deno.test.json, not deno.json`);
  }
  // Test and bench tasks use the test configuration; app tasks the default one.
  for (const task of ["test", "bench"]) {
    assert.match(app.tasks[task], /-c deno\.test\.json/, `task ${task}`);
  }
  for (const task of ["start", "seed", "recompute", "backfill", "import-history", "db:migrate"]) {
    assert.doesNotMatch(app.tasks[task], /deno\.test\.json/, `task ${task}`);
  }
});

Deno.test(`the app's lock names at most ${MAX_APP_PACKAGES} npm packages, none test-only`, async () => {
  const lock = await readJson("deno.lock");
  const packages = Object.keys(lock.npm ?? {});
  assert.ok(
    packages.length <= MAX_APP_PACKAGES,
    `deno.lock has ${packages.length} npm packages (limit ${MAX_APP_PACKAGES})`,
  );
  const names = new Set(packages.map(packageName));
  for (const name of TEST_ONLY) assert.ok(!names.has(name), `${name} is in deno.lock`);
  // Every app package is pinned to the same version in the test lock.
  const testLock = await readJson("deno.test.lock");
  for (const key of packages) {
    assert.ok(key in testLock.npm, `${key} of deno.lock is missing from deno.test.lock`);
  }
});

Deno.test("every app entry point resolves with the app's configuration alone, without test or bench modules", async () => {
  for (const entry of APP_ENTRIES) {
    const info = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--frozen", entry],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(info.code, 0, `${entry}: ${new TextDecoder().decode(info.stderr)}`);
    const graph = JSON.parse(new TextDecoder().decode(info.stdout));
    const errors = graph.modules.filter((m: { error?: string }) => m.error);
    assert.deepEqual(errors, [], `${entry} does not resolve with deno.json`);
    const npm = Object.keys(graph.npmPackages ?? {}).map(packageName);
    for (const name of TEST_ONLY) assert.ok(!npm.includes(name), `${entry} loads ${name}`);
    // Test helpers and benches live in tests/ and bench/; no app module may import them.
    const tools = graph.modules.map((m: { specifier: string }) => m.specifier).filter((s: string) =>
      s.startsWith(`file://${ROOT}tests/`) || s.startsWith(`file://${ROOT}bench/`)
    );
    assert.deepEqual(tools, [], `${entry} loads test or bench modules`);
  }
});
