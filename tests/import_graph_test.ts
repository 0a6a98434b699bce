/**
 * No import circle among the project's own modules: the static import graph (type-only and dynamic
 * imports included) of every program a `deno task` runs — the server and the scripts — is walked
 * with `deno info --json`, and any cycle of project files fails with its path.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/**
 * Circles known and not yet broken: the benchmark program's sections import its mod.ts back. The
 * list may only shrink: an entry whose circle is gone fails the test until it is deleted here.
 */
const KNOWN_CIRCLES = new Set<string>([]);

interface InfoModule {
  specifier: string;
  dependencies?: {
    code?: { specifier: string };
    type?: { specifier: string };
    isDynamic?: boolean;
  }[];
}

/** `deno info --json` of `entry` run with `config`. */
async function denoInfo(
  entry: string,
  config = "deno.json",
): Promise<{ modules: InfoModule[]; redirects: Record<string, string> }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "-c", config, entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `deno info ${entry}: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Each program a task runs: its entry file and the config it runs with (`-c`). */
function entryPoints(): { entry: string; config: string }[] {
  const tasks: Record<string, string> = JSON.parse(
    Deno.readTextFileSync(new URL("deno.json", ROOT)),
  ).tasks;
  const found = new Map<string, string>();
  for (const command of Object.values(tasks)) {
    const run = command.match(/^deno run\s+(.*)$/);
    if (!run) continue;
    const words = run[1].split(/\s+/);
    const entry = words.find((w) => /\.tsx?$/.test(w));
    const flag = words.indexOf("-c");
    if (entry) found.set(entry, flag >= 0 ? words[flag + 1] : "deno.json");
  }
  return [...found].map(([entry, config]) => ({ entry, config }));
}

/** The project files `entry` reaches and the project files each one imports. */
async function graphOf(entry: string, config: string): Promise<Map<string, string[]>> {
  const info = await denoInfo(entry, config);
  const own = (specifier: string) =>
    specifier.startsWith(ROOT.href) && !specifier.includes("/node_modules/");
  const graph = new Map<string, string[]>();
  for (const module of info.modules) {
    if (!own(module.specifier)) continue;
    const targets = (module.dependencies ?? []).flatMap((d) => [d.code, d.type])
      .map((d) => d?.specifier).filter((s): s is string => s !== undefined && own(s));
    graph.set(module.specifier, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk (each reported once, as a path of project files). */
export function cyclesOf(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

Deno.test("the cycle finder finds a circle and passes a tree", () => {
  assert.deepEqual(cyclesOf(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]])), [[
    "a",
    "b",
    "c",
    "a",
  ]]);
  assert.deepEqual(cyclesOf(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]])), []);
});

Deno.test("no import circle in the server or any script", async () => {
  const entries = entryPoints();
  assert.ok(entries.some((e) => e.entry === "main.ts"), "main.ts is among the entry points");
  const graphs = await Promise.all(entries.map((e) => graphOf(e.entry, e.config)));
  const found = new Set<string>();
  for (const graph of graphs) {
    for (const cycle of cyclesOf(graph)) {
      found.add(cycle.map((s) => s.slice(ROOT.href.length)).join(" → "));
    }
  }
  const fresh = [...found].filter((c) => !KNOWN_CIRCLES.has(c));
  assert.deepEqual(fresh, [], `import circles:\n${fresh.join("\n")}`);
  const gone = [...KNOWN_CIRCLES].filter((c) => !found.has(c));
  assert.deepEqual(gone, [], `circles gone, delete them from KNOWN_CIRCLES:\n${gone.join("\n")}`);
});

Deno.test("the server starts without the Azure SDK: only a request that reads storage loads it", async () => {
  const info = await denoInfo("main.ts");
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const resolve = (s: string) => info.redirects[s] ?? s;
  // The modules loaded at start: static code imports from main.ts (no dynamic, no type-only).
  const loaded = new Set<string>();
  const walk = (specifier: string) => {
    if (loaded.has(specifier)) return;
    loaded.add(specifier);
    for (const d of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (d.code && !d.isDynamic) walk(resolve(d.code.specifier));
    }
  };
  walk(new URL("main.ts", ROOT).href);
  assert.ok(loaded.size > 50, `the walk follows the server's imports (${loaded.size} modules)`);
  assert.ok([...loaded].some((s) => s.includes("postgres")), "npm imports are followed");
  const sdk = [...loaded].filter((s) => s.includes("storage-blob"));
  assert.deepEqual(sdk, [], "modules of the SDK that the server loads at start");
  // …while the feedback route still reaches it, dynamically.
  assert.ok(
    info.modules.some((m) => m.specifier.includes("storage-blob")),
    "the SDK is in the server's graph",
  );
});
