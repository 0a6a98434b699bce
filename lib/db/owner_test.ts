import assert from "node:assert/strict";
import { acquireOwnership, lockPath, OwnedElsewhereError, readOwner } from "./owner.ts";

Deno.test("one owner per data directory; a stale or garbled lock is taken over", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pulse-owner-" });
  const dataDir = `${dir}/pgdata`;
  try {
    const mine = acquireOwnership(dataDir, "server");
    mine.publish("postgres://postgres@127.0.0.1:1/postgres");
    assert.equal(readOwner(dataDir)?.url, "postgres://postgres@127.0.0.1:1/postgres");
    mine.release();
    assert.equal(readOwner(dataDir), null);

    // A live process (a child sleeping) holds the lock: refused, with its pid named.
    const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
    try {
      await Deno.writeTextFile(
        lockPath(dataDir),
        JSON.stringify({ pid: child.pid, started: null, url: null, role: "server" }),
      );
      assert.throws(
        () => acquireOwnership(dataDir, "server"),
        (e: unknown) => e instanceof OwnedElsewhereError && e.message.includes(`pid ${child.pid}`),
      );
    } finally {
      child.kill();
      await child.status;
    }
    // The same lock once its process is gone (a crash): stale, taken over.
    const taken = acquireOwnership(dataDir, "server");
    assert.equal(readOwner(dataDir)?.pid, Deno.pid);
    taken.release();

    // A killed owner that nobody has reaped yet (a zombie still in /proc) is gone: taken over
    // at once, not after a timeout.
    // `sleep 30 &` under a parent that then becomes `sleep`, which never reaps: once killed, the
    // child stays a zombie for as long as the parent lives.
    const parent = new Deno.Command("sh", {
      args: ["-c", "sleep 30 & echo $!; exec sleep 30"],
      stdout: "piped",
    }).spawn();
    const reader = parent.stdout.getReader();
    const pid = Number(new TextDecoder().decode((await reader.read()).value).trim());
    reader.releaseLock();
    try {
      // The fields after the command name; null once the process is gone from /proc.
      const stat = () => {
        try {
          const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
          return text.slice(text.lastIndexOf(")") + 2).split(" ");
        } catch (error) {
          if (error instanceof Deno.errors.NotFound) return null;
          throw error;
        }
      };
      await Deno.writeTextFile(
        lockPath(dataDir),
        JSON.stringify({ pid, started: stat()![19], url: null, role: "server" }),
      );
      assert.equal(readOwner(dataDir)?.pid, pid, "alive: the owner");
      Deno.kill(pid, "SIGKILL");
      for (let i = 0; i < 200 && stat()?.[0] !== "Z"; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      // A zombie, still in /proc (on a loaded machine it was once reaped before this read: then
      // the lock is merely stale, and taken over at once all the same).
      const state = stat()?.[0] ?? "gone";
      assert.ok(state === "Z" || state === "gone", `killed owner: state ${state}`);
      const t0 = performance.now();
      acquireOwnership(dataDir, "server").release();
      assert.ok(performance.now() - t0 < 1_000);
    } finally {
      parent.kill("SIGKILL");
      await parent.stdout.cancel().catch(() => {});
      await parent.status;
    }

    // The lock is readable by this OS user only: it carries the socket's password.
    const held = acquireOwnership(dataDir, "server");
    held.publish("postgres://postgres:pw@127.0.0.1:1/postgres");
    assert.equal(Deno.statSync(lockPath(dataDir)).mode! & 0o777, 0o600);
    held.release();

    // A reused pid (alive, but started at another time) does not count as the owner.
    await Deno.writeTextFile(
      lockPath(dataDir),
      JSON.stringify({ pid: 1, started: "not-its-start-time", url: null, role: "server" }),
    );
    assert.equal(readOwner(dataDir), null);

    // A lock left half-written long ago is stale too.
    await Deno.writeTextFile(lockPath(dataDir), "{");
    await Deno.utime(lockPath(dataDir), new Date(0), new Date(0));
    acquireOwnership(dataDir, "server").release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
