/**
 * Cross-site request check for the browser session: a state-changing request (not GET, HEAD or
 * OPTIONS) that is not authenticated by a bearer header must come from this site. A bearer header
 * cannot be added by another site's page, but the session cookie travels along, so for every other
 * request (another `Authorization` scheme included: the cookie still authenticates it) `Origin`
 * (else `Sec-Fetch-Site`, else `Referer`) must name this host.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { bearerToken } from "../lib/auth.ts";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./errors.ts";
import { TOKEN_COOKIE } from "./session.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The host this request was addressed to (a proxy's `X-Forwarded-Host` when one is in front). */
function ownHost(c: Context): string {
  const forwarded = c.req.header("x-forwarded-host")?.split(",")[0]?.trim();
  return (forwarded || new URL(c.req.url).host).toLowerCase();
}

function hostOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:"
      ? parsed.host.toLowerCase()
      : null;
  } catch {
    return null;
  }
}

/** Why this request must be refused as cross-site, or null when it may go on. */
export function crossSiteReason(c: Context): string | null {
  if (SAFE_METHODS.has(c.req.method)) return null;
  // Authenticated by the bearer header, not the cookie (the same rule as authenticate()).
  if (bearerToken(c.req.header("authorization")) !== null) return null;
  const origin = c.req.header("origin");
  const host = ownHost(c);
  // "null" is an opaque origin (a form post under `Referrer-Policy: no-referrer`, or a sandboxed
  // frame): it names no site, so the browser's Sec-Fetch-Site decides.
  if (origin !== undefined && origin !== "null") {
    return hostOf(origin) === host ? null : `Origin '${origin}' is not this site (${host})`;
  }
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) {
    return site === "same-origin" || site === "none"
      ? null
      : `Sec-Fetch-Site '${site}' is not same-origin`;
  }
  const referer = c.req.header("referer");
  if (referer !== undefined) {
    return hostOf(referer) === host ? null : `Referer is not this site (${host})`;
  }
  // No browser sends a state-changing request without any of these; a client without them can
  // use a bearer header instead of the session cookie.
  return getCookie(c, TOKEN_COOKIE) !== undefined
    ? "a request carrying the session cookie needs an Origin header"
    : null;
}

/** 403 for cross-site state-changing requests that rely on the session cookie. */
export function originCheck(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const reason = crossSiteReason(c);
    if (reason) {
      throw new ApiError(403, "cross_site_request", `Cross-site request refused: ${reason}`);
    }
    await next();
  };
}
