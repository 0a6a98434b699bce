/**
 * What happens to an error that escapes every handler (an unhandled rejection or an uncaught
 * exception), installed once by the server (main.ts).
 *
 * A database-driver or network failure (isDriverOrNetworkError) is logged and survived: during a
 * database outage postgres.js raises connection errors, some with no one left to catch them, and
 * requests already get their 503 from the error handler while the pool reconnects once the
 * database is back. Anything else is a bug whose effects are unknown: one error line (message and
 * stack, secrets masked by the logger), then exit code 1, so the supervisor restarts a clean
 * process instead of a broken one running on.
 */
import { isDriverOrNetworkError } from "./db/errors.ts";
import { log } from "./log.ts";
import { uncaughtErrors } from "./metrics.ts";

/** Installs the global `unhandledrejection` and `error` listeners. */
export function survive(): void {
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    handle("rejection", "unhandled rejection", event.reason);
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    handle("error", "uncaught error", event.error ?? event.message);
  });
}

function handle(kind: "rejection" | "error", what: string, error: unknown): void {
  uncaughtErrors.inc({ kind });
  if (isDriverOrNetworkError(error)) {
    log.error(`${what} (database or network; process kept alive)`, { error: String(error) });
    return;
  }
  log.error(`${what} (process exits)`, {
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
  // The logger writes each line synchronously (console.error): nothing is left to flush.
  Deno.exit(1);
}
