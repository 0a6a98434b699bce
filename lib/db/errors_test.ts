/**
 * isDriverOrNetworkError on real errors: produced by postgres.js against a closed port and a live
 * database, by Deno's own sockets, and by app code (which must not match).
 */
import assert from "node:assert/strict";
import { createClient } from "./client.ts";
import { isDriverOrNetworkError } from "./errors.ts";
import { createEmptyTestDatabase } from "../../tests/db.ts";

/** A loopback port nothing listens on: listened on, then closed. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

Deno.test("driver errors: postgres.js connecting to a closed port (ECONNREFUSED)", async () => {
  const sql = createClient(`postgres://postgres@127.0.0.1:${closedPort()}/postgres`, {
    max: 1,
    connectTimeout: 5,
  });
  try {
    const error = await rejection(sql`select 1`);
    assert.equal((error as { code?: string }).code, "ECONNREFUSED");
    assert.equal(isDriverOrNetworkError(error), true);
  } finally {
    await sql.end({ timeout: 0 });
  }
});

Deno.test("driver errors: PostgresError from the server, CONNECTION_ENDED after end()", async () => {
  const db = await createEmptyTestDatabase();
  try {
    const error = await rejection(db.sql`select 1/0`);
    assert.equal((error as Error).name, "PostgresError");
    assert.equal((error as { code?: string }).code, "22012");
    assert.equal(isDriverOrNetworkError(error), true);
    // An app error that wraps a driver error is still that failure.
    assert.equal(isDriverOrNetworkError(new Error("recompute failed", { cause: error })), true);
  } finally {
    await db.close();
  }
  const ended = await rejection(db.sql`select 1`);
  assert.equal((ended as { code?: string }).code, "CONNECTION_ENDED");
  assert.equal(isDriverOrNetworkError(ended), true);
});

Deno.test("driver errors: a TypeError raised inside postgres.js (innermost frame in the package)", async () => {
  const db = await createEmptyTestDatabase();
  // A separate client: the driver's state after an internal fault is not to be trusted.
  const sql = createClient(db.url, { max: 1, prepare: db.kind === "server" });
  try {
    // deno-lint-ignore no-explicit-any
    const error = await rejection(sql`select ${sql(null as any)}`);
    assert.ok(error instanceof TypeError);
    assert.match(error.stack ?? "", /node_modules[\\/].*postgres[\\/]src[\\/]types\.js/);
    assert.equal(isDriverOrNetworkError(error), true);
  } finally {
    await sql.end({ timeout: 0 });
    await db.close();
  }
});

Deno.test("network errors: Deno.connect to a closed port (Deno.errors.ConnectionRefused)", async () => {
  const error = await rejection(Deno.connect({ hostname: "127.0.0.1", port: closedPort() }));
  assert.ok(error instanceof Deno.errors.ConnectionRefused);
  assert.equal(isDriverOrNetworkError(error), true);
});

Deno.test("app errors are not driver errors: Error, TypeError, misuse reported by the driver", async () => {
  assert.equal(isDriverOrNetworkError(new Error("boom")), false);
  let typeError: unknown;
  try {
    // deno-lint-ignore no-explicit-any
    (null as any).field;
  } catch (error) {
    typeError = error;
  }
  assert.ok(typeError instanceof TypeError);
  assert.equal(isDriverOrNetworkError(typeError), false);
  assert.equal(isDriverOrNetworkError(new RangeError("bad")), false);
  assert.equal(isDriverOrNetworkError("a string"), false);
  assert.equal(isDriverOrNetworkError(undefined), false);
  assert.equal(isDriverOrNetworkError(new AggregateError([new Error("x")])), false);

  const db = await createEmptyTestDatabase();
  try {
    // A TypeError in a transaction body: the driver called app code, the fault is the app's.
    const inBody = await rejection(db.sql.begin(async (tx) => {
      await tx`select 1`;
      // deno-lint-ignore no-explicit-any
      return (undefined as any).field;
    }));
    assert.ok(inBody instanceof TypeError);
    assert.equal(isDriverOrNetworkError(inBody), false);
    // postgres.js's own misuse codes (here UNDEFINED_VALUE) are programming errors.
    // deno-lint-ignore no-explicit-any
    const undefinedValue = await rejection(db.sql`select ${undefined as any}`);
    assert.equal((undefinedValue as { code?: string }).code, "UNDEFINED_VALUE");
    assert.equal(isDriverOrNetworkError(undefinedValue), false);
  } finally {
    await db.close();
  }
});
