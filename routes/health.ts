/** GET /healthz (process alive) and GET /readyz (database reachable, migrations current). */
import { Hono } from "hono";
import { pendingMigrations } from "../lib/db/migrate.ts";
import type { AppEnv } from "./_middleware.ts";

export const healthRoutes = new Hono<AppEnv>()
  .get("/healthz", (c) => c.json({ status: "ok" }))
  .get("/readyz", async (c) => {
    try {
      const pending = await pendingMigrations(c.get("sql"));
      if (pending.length > 0) {
        return c.json({ status: "not_ready", reason: "pending migrations", pending }, 503);
      }
      return c.json({ status: "ready", database: "ok", migrations: "current" });
    } catch (error) {
      return c.json({
        status: "not_ready",
        reason: `database unreachable: ${(error as Error).message}`,
      }, 503);
    }
  });
