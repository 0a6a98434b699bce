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
