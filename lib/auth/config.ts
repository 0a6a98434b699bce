/**
 * Sign-in and token settings from the environment: token lifetime rules, the page session's
 * lifetime and the OpenID Connect provider for staff. Parsed once at start; every failure names the
 * variable at fault.
 */
import { z } from "zod";
import { describeIssues } from "../validation.ts";

/** Roles a staff member can get from the identity provider (learners come through the trainer). */
export const STAFF_ROLES = ["coach", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface OidcConfig {
  /** Issuer URL; its `/.well-known/openid-configuration` is read on first use. */
  issuer: string;
  clientId: string;
  /** Null for a public client (PKCE only). */
  clientSecret: string | null;
  /**
   * Callback URL registered at the provider. Required in production; in development, when unset,
   * `http://localhost:<PORT>/sign-in/oidc/callback` (lib/config.ts). Never taken from a request.
   */
  redirectUri: string | null;
  scopes: string;
  /** Claim of the ID token (or userinfo) holding the user's roles or groups, e.g. `roles`. */
  roleClaim: string;
  /** Claim value → PULSE role; the first staff role found wins, admin before coach. */
  roleMap: Record<string, StaffRole>;
}

export interface AuthConfig {
  /** Longest lifetime a bearer or session token may have (`exp − iat` and `exp − now`). */
  tokenMaxTtlSeconds: number;
  /** Lifetime of the page session cookie (and of the token inside it). */
  sessionTtlSeconds: number;
  oidc: OidcConfig | null;
}

export const DEFAULT_TOKEN_MAX_TTL_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_SESSION_TTL_SECONDS = 8 * 60 * 60;

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const seconds = (fallback: number) =>
  z.preprocess(blank, z.coerce.number().int().min(60).max(365 * 24 * 60 * 60).default(fallback));
const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}, "must be an http(s) URL");

const authEnv = z.object({
  PULSE_TOKEN_MAX_TTL_SECONDS: seconds(DEFAULT_TOKEN_MAX_TTL_SECONDS),
  PULSE_SESSION_TTL_SECONDS: seconds(DEFAULT_SESSION_TTL_SECONDS),
  PULSE_OIDC_ISSUER: z.preprocess(blank, httpUrl.optional()),
  PULSE_OIDC_CLIENT_ID: z.preprocess(blank, z.string().optional()),
  PULSE_OIDC_CLIENT_SECRET: z.preprocess(blank, z.string().optional()),
  PULSE_OIDC_REDIRECT_URI: z.preprocess(blank, httpUrl.optional()),
  PULSE_OIDC_SCOPES: z.preprocess(blank, z.string().default("openid profile email")),
  PULSE_OIDC_ROLE_CLAIM: z.preprocess(blank, z.string().default("roles")),
  PULSE_OIDC_ROLE_MAP: z.preprocess(
    blank,
    z.string().default("admin=admin,coach=coach").refine(
      (value) => parseRoleMap(value) !== null,
      "must look like `ClaimValue=admin,OtherValue=coach` (roles: admin, coach)",
    ),
  ),
});

/** `A=admin,B=coach` → `{ A: "admin", B: "coach" }`; null when malformed. */
export function parseRoleMap(value: string): Record<string, StaffRole> | null {
  const map: Record<string, StaffRole> = {};
  for (const pair of value.split(",")) {
    const at = pair.lastIndexOf("=");
    const claim = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at <= 0 || !claim || !(STAFF_ROLES as readonly string[]).includes(role)) return null;
    map[claim] = role as StaffRole;
  }
  return map;
}

/** Reads the auth settings; throws an Error whose message names the variable at fault. */
export function loadAuthConfig(env: Record<string, string | undefined>): AuthConfig {
  const parsed = authEnv.safeParse(env);
  if (!parsed.success) {
    const issue = describeIssues(parsed.error.issues, {
      path: "head",
      separator: " ",
      more: false,
    });
    throw new Error(`Invalid environment: ${issue}`);
  }
  const e = parsed.data;
  if (e.PULSE_SESSION_TTL_SECONDS > e.PULSE_TOKEN_MAX_TTL_SECONDS) {
    throw new Error(
      "Invalid environment: PULSE_SESSION_TTL_SECONDS must not exceed PULSE_TOKEN_MAX_TTL_SECONDS",
    );
  }
  const oidcGiven = [e.PULSE_OIDC_ISSUER, e.PULSE_OIDC_CLIENT_ID].filter(Boolean).length;
  if (oidcGiven === 1) {
    throw new Error(
      `Invalid environment: ${
        e.PULSE_OIDC_ISSUER ? "PULSE_OIDC_CLIENT_ID" : "PULSE_OIDC_ISSUER"
      } is required when the other PULSE_OIDC_* variable is set`,
    );
  }
  return {
    tokenMaxTtlSeconds: e.PULSE_TOKEN_MAX_TTL_SECONDS,
    sessionTtlSeconds: e.PULSE_SESSION_TTL_SECONDS,
    oidc: e.PULSE_OIDC_ISSUER && e.PULSE_OIDC_CLIENT_ID
      ? {
        issuer: e.PULSE_OIDC_ISSUER,
        clientId: e.PULSE_OIDC_CLIENT_ID,
        clientSecret: e.PULSE_OIDC_CLIENT_SECRET ?? null,
        redirectUri: e.PULSE_OIDC_REDIRECT_URI ?? null,
        scopes: e.PULSE_OIDC_SCOPES,
        roleClaim: e.PULSE_OIDC_ROLE_CLAIM,
        roleMap: parseRoleMap(e.PULSE_OIDC_ROLE_MAP)!,
      }
      : null,
  };
}
