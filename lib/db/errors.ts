/**
 * Telling "the database is unavailable" (a 503 to retry later) apart from every other failure.
 * postgres.js reports a lost or refused connection with a Node-style `code`, and a server
 * shutting down or starting up with SQLSTATE classes 08 and 57P.
 */
import postgres from "postgres";

const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** Deno's own network errors (Deno.connect, Deno.serve sockets), by class, not by name. */
const DENO_NETWORK_ERRORS = [
  Deno.errors.ConnectionRefused,
  Deno.errors.ConnectionReset,
  Deno.errors.ConnectionAborted,
  Deno.errors.NotConnected,
  Deno.errors.BrokenPipe,
  Deno.errors.TimedOut,
  Deno.errors.NetworkUnreachable,
];

/**
 * A file of the postgres.js package, wherever Deno put it: under a node_modules directory
 * (`node_modules/.deno/postgres@3.4.9/node_modules/postgres/src/…` with `nodeModulesDir`, or a flat
 * `node_modules/postgres/`) or in Deno's global npm cache (`…/registry.npmjs.org/postgres/3.4.9/…`).
 * `postgres-array` and the like do not match: the package name must be followed by a separator.
 */
const POSTGRES_PACKAGE_FILE =
  /[\\/]node_modules[\\/]postgres[\\/]|[\\/]registry\.npmjs\.org[\\/]postgres[\\/]\d/;

/** A stack frame's location that is the runtime's, not a file: `ext:deno_node/net.ts`, `native`. */
const RUNTIME_FRAME = /^(ext:|node:|native\b|<anonymous>)/;

/** Where the innermost frame of `stack` outside the runtime is (its file URL), or null. */
function innermostFileFrame(stack: string): string | null {
  for (const line of stack.split("\n")) {
    const frame = line.trim();
    if (!frame.startsWith("at ")) continue;
    // `at fn (location)` or `at location` (`at async location` for an awaited call).
    const location = frame.endsWith(")")
      ? frame.slice(frame.lastIndexOf("(") + 1, -1)
      : frame.slice(3).replace(/^async /, "");
    if (!RUNTIME_FRAME.test(location)) return location;
  }
  return null;
}

/**
 * True when `error` comes from the database driver or the network: the failures a database
 * outage produces, which must never end the process (the pool reconnects once the database is
 * back; requests meanwhile get their 503). Anything else escaping every handler is a bug.
 *
 * The rules, each tried on the error and on its `cause` chain (an app error wrapping a driver
 * error is still that failure, reported through app code):
 * 1. isDatabaseUnavailable: a connection code (postgres.js's own CONNECTION_CLOSED, _ENDED,
 *    _DESTROYED, CONNECT_TIMEOUT and the Node-style socket codes that Deno's `node:net` puts on
 *    socket errors), an outage SQLSTATE, or our DatabaseTimeoutError. postgres.js's other codes
 *    (UNDEFINED_VALUE, NOT_TAGGED_CALL, UNSAFE_TRANSACTION…) report misuse by app code: not matched.
 * 2. A postgres.js `PostgresError`: the server answered and rejected one statement. The
 *    connection and the process are intact.
 * 3. One of Deno's network errors (DENO_NETWORK_ERRORS), by class: Deno.connect or a socket
 *    that dropped.
 * 4. An `AggregateError` (several addresses tried, e.g. `localhost` as ::1 and 127.0.0.1) whose
 *    errors all match.
 * 5. An error without a `code` whose innermost stack frame outside the runtime is a file of the
 *    postgres.js package: a fault inside the driver itself (e.g. a TypeError on a socket torn down
 *    mid-outage), possibly raised by the runtime on the driver's behalf (hence runtime frames are
 *    skipped). Only the innermost frame counts: postgres.js appends the calling query's stack to
 *    its errors, and app code called back by the driver (a transaction body, a type parser) has
 *    driver frames further out; an app TypeError there is the app's.
 */
export function isDriverOrNetworkError(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  for (
    let e = error, depth = 0;
    e !== null && typeof e === "object" && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (e instanceof postgres.PostgresError) return true;
    if (DENO_NETWORK_ERRORS.some((type) => e instanceof type)) return true;
    if (
      e instanceof AggregateError && e.errors.length > 0 &&
      e.errors.every((inner) => isDriverOrNetworkError(inner))
    ) return true;
    if (
      (e as { code?: unknown }).code === undefined && e instanceof Error &&
      typeof e.stack === "string"
    ) {
      const frame = innermostFileFrame(e.stack);
      if (frame !== null && POSTGRES_PACKAGE_FILE.test(frame)) return true;
    }
  }
  return false;
}

/** Seconds a client should wait before retrying while the database is down. */
export const RETRY_AFTER_SECONDS = 5;

/** True when `error` means the database cannot be reached right now (not a bad query). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; cause?: unknown; name?: string } | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    const code = typeof e.code === "string" ? e.code : "";
    if (CONNECTION_CODES.has(code)) return true;
    // 08xxx connection exceptions, 57P01-57P05 shutdown / cannot connect now, 53300 too many
    // connections.
    if (/^(08...|57P0[1-5]|53300)$/.test(code)) return true;
    if (e.name === "ConnectionRefused" || e.name === "ConnectionReset") return true;
    if (e.name === "DatabaseTimeoutError") return true;
  }
  return false;
}

/** A database round trip that did not finish in time (e.g. a health check). */
export class DatabaseTimeoutError extends Error {
  override name = "DatabaseTimeoutError";
}

/** `promise`, or a DatabaseTimeoutError after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = "database"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DatabaseTimeoutError(`${what} did not answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
