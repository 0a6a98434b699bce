/** Middleware shared by every route: context types, authentication and role/ownership guards. */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { bearerToken, type Caller, canReadLearner, type Role } from "../lib/auth.ts";
import { verifyTokenCached } from "../lib/auth/verified_tokens.ts";
import type { Config } from "../lib/config.ts";
import type { Sql } from "../lib/db/mod.ts";
import type { Assets } from "../lib/ui/build.ts";
import { ApiError } from "./_errors.ts";

export const TOKEN_COOKIE = "pulse_token";

export interface AppDeps {
  sql: Sql;
  config: Config & { authSecret: string };
  /** Browser assets for pages; null when only the API is served (tests of the API). */
  assets?: Assets | null;
}

export type AppEnv = {
  Variables: AppDeps & {
    requestId: string;
    caller: Caller | null;
  };
};

/** Puts the app's dependencies on the context. */
export function provide(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("sql", deps.sql);
    c.set("config", deps.config);
    c.set("assets", deps.assets ?? null);
    await next();
  };
}

/**
 * Reads the bearer token (header, or the page cookie) and sets `caller` (null when absent or
 * invalid: bad signature, expired, no `exp`, longer-lived than PULSE_TOKEN_MAX_TTL_SECONDS). The
 * HMAC key is imported once per secret (lib/auth.ts), not per request, and a token already verified
 * is not verified again while it lives (lib/auth/verified_tokens.ts).
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header("authorization")) ?? getCookie(c, TOKEN_COOKIE);
    const config = c.get("config");
    c.set(
      "caller",
      token
        ? await verifyTokenCached(config.authSecret, token, config.auth.tokenMaxTtlSeconds)
        : null,
    );
    await next();
  };
}

/** 401 without a valid token, 403 when the caller's role is not one of `roles`. */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const caller = c.get("caller");
    if (!caller) throw new ApiError(401, "unauthorized", "A valid bearer token is required");
    if (!roles.includes(caller.role)) {
      throw new ApiError(
        403,
        "forbidden",
        `Role '${caller.role}' may not do this; allowed: ${roles.join(", ")}`,
      );
    }
    await next();
  });
}

/** The authenticated caller, after requireRole. */
export function callerOf(c: { get(key: "caller"): Caller | null }): Caller {
  const caller = c.get("caller");
  if (!caller) throw new ApiError(401, "unauthorized", "A valid bearer token is required");
  return caller;
}

/** 403 unless the caller may read `userId`'s data (learners: only their own). */
export function assertCanReadLearner(caller: Caller, userId: string): void {
  if (!canReadLearner(caller, userId)) {
    throw new ApiError(403, "forbidden", "Learners can only see their own data");
  }
}
