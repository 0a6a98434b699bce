/**
 * Who is calling, and may they: authentication, then the guards of the API (401/403 as JSON) and
 * of the pages (redirect to sign-in, the 403 page), side by side.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { bearerToken, type Caller, canReadLearner, type Role } from "../lib/auth.ts";
import { verifyTokenCached } from "../lib/auth/verified_tokens.ts";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./errors.ts";
import { TOKEN_COOKIE } from "./session.ts";
import { forbiddenPage } from "./shell.tsx";

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

/** Where to send someone who is not signed in. */
export function signInPath(c: Context<AppEnv>): string {
  return c.get("config").env === "development" ? "/demo" : "/sign-in";
}

/** Page guard: redirect to sign-in without a session; 403 page for a role not in `roles`. */
export function requirePageRole(...roles: Caller["role"][]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const caller = c.get("caller");
    if (!caller) return c.redirect(`${signInPath(c)}?next=${encodeURIComponent(c.req.path)}`, 302);
    if (!roles.includes(caller.role)) return forbiddenPage(c, roles);
    await next();
  });
}
