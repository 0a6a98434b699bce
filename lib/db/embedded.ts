/**
 * Embedded PGlite database served over the Postgres wire protocol on loopback, so the app,
 * postgres.js and dbmate all talk to it exactly as they would to a server. The process that opens
 * a data directory owns it (see owner.ts); other processes connect to the owner's socket, with
 * the per-start password that only this OS user can read.
 */
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { acquireOwnership } from "./owner.ts";
import { startWireServer } from "./wire_server.ts";

/**
 * Options every embedded PGlite of the app is created with (the data directory aside). 32 MB of
 * shared buffers instead of PostgreSQL's 128 MB: they live in PGlite's WebAssembly memory, whose
 * pages stay resident once touched, while the files themselves are cached by the operating system.
 * Minimal WAL: nothing replicates or archives an embedded database.
 */
export const PGLITE_OPTIONS: Omit<PGliteOptions, "dataDir"> = {
  startParams: [
    ...PGlite.defaultStartParams,
    ...["-c", "shared_buffers=32MB", "-c", "wal_level=minimal", "-c", "max_wal_senders=0"],
  ],
};

export interface EmbeddedDatabase {
  url: string;
  /** Connected clients and clients waiting for their turn on the single PGlite session. */
  stats(): { clients: number; waiting: number };
  stop(): Promise<void>;
}

/**
 * Starts PGlite on `dataDir` ("memory://" for a throw-away database) and a socket server for it.
 * A real directory is locked for this process first: OwnedElsewhereError when another live
 * process has it open.
 */
export async function startEmbedded(
  dataDir: string,
  options: { role?: string } = {},
): Promise<EmbeddedDatabase> {
  const memory = dataDir.startsWith("memory://");
  let ownership = null;
  if (!memory) {
    await Deno.mkdir(dataDir, { recursive: true });
    ownership = acquireOwnership(dataDir, options.role ?? "server");
  }
  try {
    const db = await PGlite.create({ ...PGLITE_OPTIONS, dataDir });
    // A fresh password per start: another OS user can reach the loopback port but cannot read
    // the password, which is only in this process and in the owner lock (mode 0600, owner.ts)
    // that this user's ops tasks read to connect.
    const password = Array.from(
      crypto.getRandomValues(new Uint8Array(24)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    const server = startWireServer(db, { password });
    const url = `postgres://postgres:${password}@${server.address}/postgres?sslmode=disable`;
    ownership?.publish(url);
    let stopped = false;
    return {
      url,
      stats: () => server.stats(),
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await server.stop();
          await db.close();
        } finally {
          ownership?.release();
        }
      },
    };
  } catch (error) {
    ownership?.release();
    throw error;
  }
}

/**
 * Gives memory the process no longer uses back to the system, once a first start has created the
 * embedded database and seeded it: the garbage of PGlite's set-up (its initdb instance) and of the
 * seed is collected now rather than whenever V8 next needs room (when the runtime exposes `gc`, as
 * `deno task start` does), and free pages of the C heap are returned (glibc's `malloc_trim`;
 * elsewhere, or without the FFI permission, this part is skipped).
 */
export function returnFreedMemory(): void {
  (globalThis as { gc?: () => void }).gc?.();
  if (Deno.build.os !== "linux") return;
  try {
    const libc = Deno.dlopen("libc.so.6", {
      malloc_trim: { parameters: ["usize"], result: "i32" },
    });
    try {
      libc.symbols.malloc_trim(0n);
    } finally {
      libc.close();
    }
  } catch {
    // Not glibc, or no permission to load it: the memory is reused by the process instead.
  }
}
