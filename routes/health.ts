/** GET /healthz (process alive) and GET /readyz (database reachable, migrations current). */
import { Hono } from "hono";
import { probeConnection, type Sql } from "../lib/db/client.ts";
import { RETRY_AFTER_SECONDS, withTimeout } from "../lib/db/errors.ts";
import { pendingMigrations } from "../lib/db/migrate.ts";
import type { AppEnv } from "../http/env.ts";

/**
 * /readyz waits this long for the database, so that it answers well within the documented half
 * second even on a busy event loop (the rest is the margin).
 */
export const READY_TIMEOUT_MS = 250;
/**
 * The same with the embedded database: the check shares its one connection with the process's own
 * work (the demo cohort written after a first start, a recompute batch), so a busy database
 * answers after the statement in front of it — slow, not unreachable.
 */
export const EMBEDDED_READY_TIMEOUT_MS = 1000;

/** The check running now per pool: concurrent /readyz calls share it instead of queueing. */
const running = new WeakMap<Sql, Promise<string[]>>();

/**
 * Pending migrations, read on the pool's own health-check connection (never behind a saturated
 * pool); a DatabaseTimeoutError after `timeoutMs` when the database does not answer.
 */
function probe(sql: Sql, timeoutMs: number): Promise<string[]> {
  let check = running.get(sql);
  if (!check) {
    check = pendingMigrations(probeConnection(sql)).finally(() => running.delete(sql));
    running.set(sql, check);
  }
  return withTimeout(check, timeoutMs);
}

export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ status: "ok" }))
  .get("/readyz", async (c) => {
    try {
      const embedded = c.get("config")?.database.kind === "embedded";
      const pending = await probe(
        c.get("sql"),
        embedded ? EMBEDDED_READY_TIMEOUT_MS : READY_TIMEOUT_MS,
      );
      if (pending.length > 0) {
        return c.json({ status: "not_ready", reason: "pending migrations", pending }, 503);
      }
      return c.json({ status: "ready", database: "ok", migrations: "current" });
    } catch (error) {
      c.header("retry-after", String(RETRY_AFTER_SECONDS));
      return c.json({
        status: "not_ready",
        reason: `database unreachable: ${(error as Error).message}`,
      }, 503);
    }
  });
