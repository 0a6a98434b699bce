/**
 * A process with the server's survive() installed that lets one error escape every handler, for
 * tests/survive_test.ts. `deno run -A tests/survive_child.ts <case>`; prints "alive" (exit 0) when
 * the process outlived the error.
 */
import { createClient } from "../lib/db/client.ts";
import { survive } from "../lib/survive.ts";

/** A loopback port nothing listens on: listened on, then closed. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A real driver connection error (ECONNREFUSED), caught to be thrown again uncaught. */
async function driverError(): Promise<unknown> {
  const sql = createClient(`postgres://app:hunter2@127.0.0.1:${closedPort()}/pulse`, { max: 1 });
  try {
    await sql`select 1`;
  } catch (error) {
    return error;
  } finally {
    await sql.end({ timeout: 0 });
  }
  throw new Error("the closed port answered");
}

survive();
// Runs after survive()'s listeners: reached only if they did not end the process.
const outlived = () => setTimeout(() => (console.log("alive"), Deno.exit(0)), 200);
globalThis.addEventListener("unhandledrejection", outlived);
globalThis.addEventListener("error", outlived);
setTimeout(() => (console.log("no error escaped"), Deno.exit(3)), 15_000);

const which = Deno.args[0];
if (which === "driver-rejection") {
  // Fire and forget: the query's rejection reaches no handler.
  const sql = createClient(`postgres://app:hunter2@127.0.0.1:${closedPort()}/pulse`, { max: 1 });
  (async () => {
    await sql`select 1`;
  })();
} else if (which === "driver-exception") {
  const error = await driverError();
  setTimeout(() => {
    throw error;
  }, 0);
} else if (which === "app-rejection") {
  Promise.reject(new Error("app bug: cannot reach postgres://app:hunter2@db.internal/pulse"));
} else if (which === "app-exception") {
  setTimeout(() => {
    // deno-lint-ignore no-explicit-any
    (undefined as any).field;
  }, 0);
} else {
  console.log(`unknown case ${which}`);
  Deno.exit(2);
}
