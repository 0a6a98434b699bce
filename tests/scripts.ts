/** Runs an ops script as a child process, the way `deno task` does, for end-to-end tests. */

/**
 * What a child needs of this machine: paths and caches, and the certificate and proxy settings that
 * let Deno download what it fetches on first use (`deno bundle` fetches esbuild).
 */
const MACHINE_VARS = [
  "PATH",
  "HOME",
  "DENO_DIR",
  "XDG_CACHE_HOME",
  "TMPDIR",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
];

/** Environment of a child process: only what Deno needs plus `vars` (no inherited database). */
export function childEnv(vars: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of MACHINE_VARS) {
    const value = Deno.env.get(name);
    if (value) env[name] = value;
  }
  return { ...env, ...vars };
}

/** Runs `script` with `args` and only `env`; returns the exit code and the non-empty output lines. */
export async function runScript(script: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", script, ...args],
    env: childEnv(env),
    clearEnv: true,
    stdin: "null",
  }).output();
  const lines = (bytes: Uint8Array) =>
    new TextDecoder().decode(bytes).split("\n").filter((l) => l.trim() !== "");
  return { code: out.code, stdout: lines(out.stdout), stderr: lines(out.stderr) };
}
