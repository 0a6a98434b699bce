/**
 * Azurite (the Azure Storage emulator, npm:azurite) for tests and benchmarks: a blob service on a
 * free loopback port with its data in a temporary folder, started as a child process.
 */
import { type ContainerClient, containerFromConnectionString } from "../lib/legacy/blob.ts";

/** The emulator's well-known development account (public, documented by Microsoft). */
const ACCOUNT = "devstoreaccount1";
const ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const PROJECT_ROOT = new URL("../", import.meta.url).pathname;

export interface Azurite {
  connectionString: string;
  /** A container client; the container is created when `create` is true (default). */
  container(name: string, options?: { create?: boolean }): Promise<ContainerClient>;
  stop(): Promise<void>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitForPort(port: number, child: Deno.ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.status.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error("azurite exited during start-up");
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`azurite did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** Starts a blob-only Azurite; call `stop()` when done (kills it and removes its data). */
export async function startAzurite(): Promise<Azurite> {
  const location = await Deno.makeTempDir({ prefix: "pulse_azurite_" });
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      // Test-only packages live in deno.test.json (and its lock), not in the app's deno.json.
      "--config",
      `${PROJECT_ROOT}deno.test.json`,
      "npm:azurite@3.37.0/azurite-blob",
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(port),
      "--location",
      location,
      "--skipApiVersionCheck",
      "--loose",
      "--silent",
      "--disableTelemetry",
    ],
    cwd: PROJECT_ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await Deno.remove(location, { recursive: true }).catch(() => {});
  };
  try {
    await waitForPort(port, child, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};` +
    `AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`;
  return {
    connectionString,
    async container(name, options = {}) {
      const container = containerFromConnectionString(connectionString, name);
      if (options.create ?? true) await container.createIfNotExists();
      return container;
    },
    stop,
  };
}

/** Uploads `body` (JSON-encoded unless it is a string) as blob `name`. */
export async function putBlob(
  container: ContainerClient,
  name: string,
  body: unknown,
): Promise<void> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const bytes = new TextEncoder().encode(text);
  await container.getBlockBlobClient(name).upload(bytes, bytes.length, {
    blobHTTPHeaders: { blobContentType: "application/json" },
  });
}
