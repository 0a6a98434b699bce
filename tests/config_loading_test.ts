/**
 * config/*.json is read by one explicit call, `loadStaticConfig`, at an entry point (main.ts,
 * scripts/, bench/, tests/) and handed in like the environment config: no product module (lib/,
 * routes/, http/, components/, islands/, app.ts) reads it when imported, and none but the loader
 * modules calls a loader.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const PRODUCT_DIRS = ["lib", "routes", "http", "components", "islands"];
/** The browser's entry point: it runs in the page (it sets document.cookie when loaded). */
const BROWSER_ENTRY = "islands/_hydrate.tsx";

/** `loadStaticConfig` and the loaders of the single files it calls, with the file reader. */
const LOADER_MODULES = new Set([
  "lib/static_config.ts",
  "lib/config_file.ts",
  "lib/catalog.ts",
  "lib/readiness/config.ts",
  "lib/readiness/guidance/rubrics.ts",
  "lib/cohorts/attention_config.ts",
]);
const LOADER_CALL =
  /(?<!function\s+)\b(loadStaticConfig|loadCatalog|loadReadinessConfig|loadRubrics|loadAttentionConfig|readConfigFile)\s*\(/;

/** Server-side product source files (tests and their fixtures left out), relative to ROOT. */
async function productModules(): Promise<string[]> {
  const found = ["app.ts"];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (
        /\.tsx?$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name) && path !== BROWSER_ENTRY
      ) {
        const text = await Deno.readTextFile(new URL(path, ROOT));
        // A fixture for tests (it takes the shipped config from the tests' helper).
        if (/from "(\.\.\/)+tests\//.test(text)) continue;
        found.push(path);
      }
    }
  };
  for (const dir of PRODUCT_DIRS) await walk(dir);
  return found.sort();
}

/** The product modules, other than the loader modules, that call a config loader. */
export function loaderCallers(sources: Map<string, string>): string[] {
  return [...sources].filter(([path, text]) => !LOADER_MODULES.has(path) && LOADER_CALL.test(text))
    .map(([path]) => path);
}

/** Imports `modules` in a child process that may read anything but config/; its output on failure. */
async function importWithoutConfig(modules: string[]): Promise<{ ok: boolean; output: string }> {
  const dir = await Deno.makeTempDir({ prefix: "pulse-config-imports-" });
  try {
    const entry = `${dir}/entry.ts`;
    await Deno.writeTextFile(
      entry,
      modules.map((m) => `import ${JSON.stringify(new URL(m, ROOT).href)};`).join("\n") + "\n",
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `--deny-read=${new URL("config", ROOT).pathname}`,
        "--quiet",
        "-c",
        new URL("deno.json", ROOT).pathname,
        entry,
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
    return { ok: out.success, output: [text(out.stdout), text(out.stderr)].join("\n") };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the loader-call check finds a call outside the loader modules", () => {
  const sources = new Map([
    ["lib/static_config.ts", "export function loadStaticConfig(dir?: URL) { loadCatalog(dir); }"],
    ["lib/catalog.ts", "export function loadCatalog(dir?: URL): Catalog {"],
    ["lib/cohorts/skills.ts", "const { catalog } = loadStaticConfig();"],
    ["routes/api/x.ts", "const rules = loadAttentionConfig ();"],
    ["lib/cohorts/bands.ts", "export function bandLabels(config: ReadinessConfig) {"],
  ]);
  assert.deepEqual(loaderCallers(sources), ["lib/cohorts/skills.ts", "routes/api/x.ts"]);
});

Deno.test("no product module calls a config loader but the loader modules", async () => {
  const sources = new Map<string, string>();
  for (const path of await productModules()) {
    sources.set(path, await Deno.readTextFile(new URL(path, ROOT)));
  }
  assert.ok(sources.has("lib/static_config.ts") && sources.has("routes/api/learners.ts"));
  assert.deepEqual(loaderCallers(sources), []);
});

Deno.test({
  name: "every product module imports without reading config/",
  fn: async () => {
    const modules = await productModules();
    const run = await importWithoutConfig(modules);
    assert.ok(run.ok, run.output);
    // The same child fails as soon as a module reads config/ when imported.
    const dir = await Deno.makeTempDir({ prefix: "pulse-config-reader-" });
    try {
      const reader = `${dir}/reader.ts`;
      await Deno.writeTextFile(
        reader,
        `import { loadStaticConfig } from ${
          JSON.stringify(new URL("lib/static_config.ts", ROOT).href)
        };\nexport const settings = loadStaticConfig();\n`,
      );
      const failing = await importWithoutConfig([reader]);
      assert.equal(failing.ok, false, failing.output);
      assert.match(failing.output, /config/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
