/**
 * Telling "the database is unavailable" (a 503 to retry later) apart from every other failure.
 * postgres.js reports a lost or refused connection with a Node-style `code`, and a server
 * shutting down or starting up with SQLSTATE classes 08 and 57P.
 */

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
