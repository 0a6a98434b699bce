/**
 * Browser assets: the islands bundle (`deno bundle --platform browser`) and the stylesheet, both
 * named by a hash of their sources so they can be cached forever. A bundle whose sources have not
 * changed is reused, so restarts are quick.
 */
const ROOT = new URL("../../", import.meta.url);
export const BUILD_DIR = new URL("static/build/", ROOT).pathname;
const SOURCE_DIRS = ["islands/", "components/", "lib/ui/"];

export interface Assets {
  /** URL path of the islands bundle. */
  script: string;
  /** URL path of the stylesheet. */
  style: string;
  /** Bundle size in bytes (raw and gzipped), for the console and docs. */
  scriptBytes: number;
  scriptGzipBytes: number;
}

async function sha256(parts: Uint8Array[]): Promise<string> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sourceFiles(): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory) await walk(`${path}/`);
      else if (/\.(tsx?|json)$/.test(entry.name) && !entry.name.endsWith("_test.ts")) {
        files.push(path);
      }
    }
  };
  for (const dir of SOURCE_DIRS) await walk(new URL(dir, ROOT).pathname);
  files.push(new URL("deno.json", ROOT).pathname, new URL("deno.lock", ROOT).pathname);
  return files.sort();
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

const LOCK_WAIT_MS = 120_000;

/**
 * When another process is building the same bundle (its lock file is there and fresh), waits for
 * it instead of building it again; true once the bundle exists. Saves the CPU of duplicate builds
 * when test files and a starting server need the same bundle at once.
 */
async function builtByAnother(scriptPath: string): Promise<boolean> {
  const lock = `${scriptPath}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (Date.now() < deadline) {
    const info = await Deno.stat(lock).catch(() => null);
    const fresh = info?.mtime && Date.now() - info.mtime.getTime() < LOCK_WAIT_MS;
    if (await Deno.stat(scriptPath).then(() => true, () => false)) return true;
    if (!fresh) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Builds (or reuses) the islands bundle and stylesheet; returns their URL paths. */
export async function buildAssets(options: { quiet?: boolean } = {}): Promise<Assets> {
  await Deno.mkdir(BUILD_DIR, { recursive: true });
  const files = await sourceFiles();
  const hash = await sha256(
    await Promise.all(files.map(async (f) => {
      const data = await Deno.readFile(f).catch(() => new Uint8Array());
      return new Uint8Array([...new TextEncoder().encode(f), ...data]);
    })),
  );
  const scriptName = `islands-${hash}.js`;
  const scriptPath = `${BUILD_DIR}${scriptName}`;
  const exists = await Deno.stat(scriptPath).then(() => true, () => false);
  const lock = `${scriptPath}.lock`;
  const locked = !exists &&
    await Deno.writeTextFile(lock, String(Deno.pid), { createNew: true }).then(
      () => true,
      () => false,
    );
  if (!exists && (locked || !(await builtByAnother(scriptPath)))) {
    try {
      const t0 = performance.now();
      // Per-process name: test files (and a starting server) may build the same bundle at once.
      const tmp = `${scriptPath}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp.js`;
      const { code, stderr } = await new Deno.Command(Deno.execPath(), {
        args: [
          "bundle",
          "--platform",
          "browser",
          "--minify",
          "-o",
          tmp,
          new URL("islands/_hydrate.tsx", ROOT).pathname,
        ],
        cwd: new URL(".", ROOT).pathname,
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (code !== 0) throw new Error(`deno bundle failed: ${new TextDecoder().decode(stderr)}`);
      await Deno.rename(tmp, scriptPath);
      if (!options.quiet) {
        console.log(`Built ${scriptName} in ${Math.round(performance.now() - t0)} ms`);
      }
    } finally {
      if (locked) await Deno.remove(lock).catch(() => {});
    }
  }
  const css = await Deno.readFile(new URL("static/styles.css", ROOT));
  const styleName = `styles-${await sha256([css])}.css`;
  await Deno.writeFile(`${BUILD_DIR}${styleName}`, css);
  // Earlier builds are no longer referenced by any page.
  for await (const entry of Deno.readDir(BUILD_DIR)) {
    if (
      entry.name !== scriptName && entry.name !== styleName &&
      /^(islands|styles)-[0-9a-f]+\.(js|css)$/.test(entry.name)
    ) {
      await Deno.remove(`${BUILD_DIR}${entry.name}`).catch(() => {});
    }
  }
  const script = await Deno.readFile(scriptPath);
  return {
    script: `/static/build/${scriptName}`,
    style: `/static/build/${styleName}`,
    scriptBytes: script.length,
    scriptGzipBytes: await gzipSize(script),
  };
}
