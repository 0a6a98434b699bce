/**
 * One owner per embedded data directory: the process that opens PGlite on `dataDir` holds
 * `<dataDir>.lock` (its pid, the pid's start time, and once serving, the loopback URL of its
 * Postgres socket). Other processes read the lock and go through the owner's socket, or refuse.
 * A lock whose process is gone (crash, kill -9) is stale and taken over.
 */

export interface OwnerRecord {
  pid: number;
  /** Kernel start time of `pid` (/proc/<pid>/stat field 22): tells a reused pid apart. */
  started: string | null;
  /** postgres:// URL of the owner's socket; null while it is still starting. */
  url: string | null;
  /** What the owner is (`server`, or the ops task's name), for messages. */
  role: string;
}

/** The data directory is owned by another live process. */
export class OwnedElsewhereError extends Error {
  override name = "OwnedElsewhereError";
  constructor(readonly dataDir: string, readonly owner: OwnerRecord) {
    super(
      `the embedded database in ${dataDir} is open in another process (pid ${owner.pid}, ${owner.role})`,
    );
  }
}

/** Path of the lock file of `dataDir`. */
export function lockPath(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, "")}.lock`;
}

/**
 * The kernel start time of `pid` while it runs; null when it is gone. A killed process whose parent
 * has not reaped it (or whose parent is an init that never does) stays in /proc as a zombie (state
 * `Z`, or `X` while being removed): it holds nothing, so it counts as gone.
 */
function processStart(pid: number): string | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Field 2 (comm) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X" || fields[0] === "x") return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** True when `record`'s process is still the one that wrote it. */
export function isAlive(record: OwnerRecord): boolean {
  if (record.pid === Deno.pid) return true;
  const started = processStart(record.pid);
  if (started === null) return false;
  return record.started === null || record.started === started;
}

/** The current owner of `dataDir`, or null when there is none (no lock, or a stale one). */
export function readOwner(dataDir: string): OwnerRecord | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(lockPath(dataDir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  let record: OwnerRecord;
  try {
    record = JSON.parse(text);
  } catch {
    // Written by a process that died between create and write: stale unless its pid is live
    // (unknowable here), so treat a garbled lock older than a few seconds as stale.
    const age = Date.now() - (Deno.statSync(lockPath(dataDir)).mtime?.getTime() ?? 0);
    return age > 5_000 ? null : { pid: -1, started: null, url: null, role: "starting" };
  }
  return isAlive(record) ? record : null;
}

/** The lock held by this process; `publish` adds the socket URL, `release` removes the lock. */
export interface Ownership {
  publish(url: string): void;
  release(): void;
}

/**
 * Takes ownership of `dataDir` or throws OwnedElsewhereError. Creation is atomic (create-new);
 * a stale lock is removed only if it is still the same stale lock when we remove it.
 */
export function acquireOwnership(dataDir: string, role: string): Ownership {
  const path = lockPath(dataDir);
  const mine: OwnerRecord = { pid: Deno.pid, started: processStart(Deno.pid), url: null, role };
  for (let attempt = 0; attempt < 5; attempt++) {
    // Written whole to a private file, then linked into place: link fails when the lock exists
    // (create-new), and a lock is never seen half-written, so a dead owner's lock is always
    // readable and taken over at once.
    const tmp = `${path}.${Deno.pid}.tmp`;
    writePrivate(tmp, JSON.stringify(mine));
    try {
      Deno.linkSync(tmp, path);
      Deno.removeSync(tmp);
      let released = false;
      return {
        publish(url) {
          // The URL carries the socket's per-start password: the lock is readable by this user only.
          writePrivate(tmp, JSON.stringify({ ...mine, url }));
          Deno.renameSync(tmp, path);
        },
        release() {
          if (released) return;
          released = true;
          try {
            const current = JSON.parse(Deno.readTextFileSync(path)) as OwnerRecord;
            if (current.pid === Deno.pid) Deno.removeSync(path);
          } catch { /* already gone */ }
        },
      };
    } catch (error) {
      try {
        Deno.removeSync(tmp);
      } catch { /* gone */ }
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    let before: string;
    try {
      before = Deno.readTextFileSync(path);
    } catch {
      continue; // removed meanwhile: try to create it again
    }
    const owner = readOwner(dataDir);
    if (owner) throw new OwnedElsewhereError(dataDir, owner);
    // Stale: remove it, unless another process replaced it since we read it.
    try {
      if (Deno.readTextFileSync(path) === before) Deno.removeSync(path);
    } catch { /* gone already */ }
  }
  throw new Error(`could not take the lock ${path}`);
}

/** Writes `text` to `path` readable and writable by this OS user only (0600). */
function writePrivate(path: string, text: string): void {
  Deno.writeTextFileSync(path, text, { mode: 0o600 });
  Deno.chmodSync(path, 0o600); // mode applies only when the file is created
}
