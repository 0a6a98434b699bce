/**
 * GET /metrics — Prometheus text format. Answers callers on the loopback interface (a scraper on
 * the same host or pod), or anyone presenting `Authorization: Bearer $PULSE_METRICS_TOKEN`; a
 * request relayed by a proxy (X-Forwarded-For) does not count as loopback.
 */
import { Hono } from "hono";
import { getConnInfo } from "hono/deno";
import { timingSafeEqual } from "node:crypto";
import { isLoopbackAddress } from "../lib/loopback.ts";
import { poolStats, type Sql } from "../lib/db/client.ts";
import { type GaugeReading, renderMetrics } from "../lib/metrics.ts";
import { readinessGauges } from "../lib/readiness/mod.ts";
import type { AppEnv } from "../http/env.ts";

/** The database pool of the app serving the scrape (each app reports its own pool). */
function poolReadings(sql: Sql): GaugeReading[] {
  const pool = poolStats(sql);
  return [
    {
      name: "pulse_db_pool_size",
      help: "Connections the database pool may open.",
      value: pool.size,
    },
    {
      name: "pulse_db_pool_in_use",
      help: "Pool connections running a query or transaction.",
      value: pool.inUse,
    },
    {
      name: "pulse_db_pool_waiting",
      help: "Queries waiting for a free pool connection.",
      value: pool.waiting,
    },
  ];
}

function sameToken(given: string, expected: string): boolean {
  const [a, b] = [new TextEncoder().encode(given), new TextEncoder().encode(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

export const metricsRoutes = new Hono<AppEnv>().get("/metrics", async (c) => {
  let remote: string | undefined;
  try {
    remote = getConnInfo(c).remote.address;
  } catch { /* no connection info (in-process requests) */ }
  const proxied = c.req.header("x-forwarded-for") !== undefined;
  const token = c.req.header("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
  const expected = c.get("config").metricsToken;
  const allowed = (remote !== undefined && isLoopbackAddress(remote) && !proxied) ||
    (!!expected && !!token && sameToken(token, expected));
  if (!allowed) {
    return c.json({
      error: {
        code: "forbidden",
        message: "Metrics are served to loopback callers or with the metrics token",
      },
    }, 403);
  }
  c.header("content-type", "text/plain; version=0.0.4; charset=utf-8");
  const sql = c.get("sql");
  return c.body(renderMetrics([...poolReadings(sql), ...await readinessGauges(sql)]));
});
