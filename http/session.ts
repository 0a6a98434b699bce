/** The page session: its cookie, where to go after sign-in, and the `next` path rule. */
import type { Context } from "hono";
import { setCookie } from "hono/cookie";
import { type Caller, issueToken, type Role } from "../lib/auth.ts";
import { safeNextPath } from "../lib/auth/next_path.ts";
import type { AppEnv } from "./env.ts";

/** The cookie that carries a page session's token (read by authenticate, like a bearer header). */
export const TOKEN_COOKIE = "pulse_token";

/** Each role's start page, used when `next` is absent or not a local path. */
export const HOME: Record<Role, string> = {
  learner: "/dashboard",
  coach: "/learners",
  admin: "/admin",
  service: "/",
};

/** `next` when it is a path on this site, else null (the rule: lib/auth/next_path.ts). */
export function localPath(next: string | undefined | null): string | null {
  return safeNextPath(next);
}

/**
 * Starts a page session for `caller`: a token of its own lifetime (PULSE_SESSION_TTL_SECONDS) in
 * an HttpOnly cookie, Secure in production. SameSite=Lax rather than Strict: sign-in arrives by a
 * cross-site navigation (the trainer's link, the identity provider's redirect), after which a
 * Strict cookie would not be sent on the redirect to the page; state-changing requests are POSTs,
 * which Lax does not carry cross-site.
 */
export async function startSession(c: Context<AppEnv>, caller: Caller): Promise<void> {
  const { authSecret, auth, env } = c.get("config");
  const token = await issueToken(authSecret, caller.role, caller.userId, auth.sessionTtlSeconds);
  setCookie(c, TOKEN_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: env === "production",
    path: "/",
    maxAge: auth.sessionTtlSeconds,
    expires: new Date(Date.now() + auth.sessionTtlSeconds * 1000),
  });
}
