/**
 * Request observation: every log line written while a request runs carries its request id, and
 * each request ends with one access line (method, route, status, ms, role) and its metrics.
 * The route is the matched pattern (`/api/users/:userId/readiness`), never the raw URL, so no
 * query string, token or learner id reaches the logs or the metric labels.
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { addLogContext, log, withLogContext } from "../lib/log.ts";
import { httpDuration, httpRequests } from "../lib/metrics.ts";
import type { AppEnv } from "./env.ts";

/** Runs after requestId(): sets up the log context, then logs and measures the request. */
export function observe(options: { log?: boolean } = {}): MiddlewareHandler<AppEnv> {
  const logAccess = options.log ?? true;
  return (c, next) =>
    withLogContext({ request_id: c.get("requestId") }, async () => {
      const started = performance.now();
      try {
        await next();
      } finally {
        const ms = performance.now() - started;
        const status = c.res?.status ?? 500;
        let route = routePath(c, -1);
        if (status === 404 && route.includes("*")) route = "unmatched";
        const role = c.get("caller")?.role ?? "anonymous";
        const labels = { method: c.req.method, route, status: String(status) };
        httpRequests.inc(labels);
        httpDuration.observe(labels, ms / 1000);
        addLogContext({ role });
        if (logAccess) {
          log.info("request", {
            method: c.req.method,
            route,
            status,
            ms: Math.round(ms * 10) / 10,
            role,
          });
        }
      }
    });
}
