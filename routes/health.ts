/** GET /healthz (process alive) and GET /readyz (database reachable, migrations current). */
import { Hono } from "hono";
import { RETRY_AFTER_SECONDS, withTimeout } from "../lib/db/errors.ts";
import { pendingMigrations } from "../lib/db/migrate.ts";
import type { AppEnv } from "../http/env.ts";

/** /readyz answers within this budget even when the database hangs. */
export const READY_TIMEOUT_MS = 500;

export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ status: "ok" }))
  .get("/readyz", async (c) => {
    try {
      const pending = await withTimeout(pendingMigrations(c.get("sql")), READY_TIMEOUT_MS);
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
