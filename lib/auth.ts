/** Bearer-token identities (HS256 JWT via hono/jwt), roles, lifetime rules and the ownership rule. */
import { sign, verify } from "hono/jwt";
import { z } from "zod";
import { DEFAULT_TOKEN_MAX_TTL_SECONDS } from "./auth/config.ts";

export const ROLES = ["learner", "coach", "admin", "service"] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  userId: string;
  role: Role;
}

/** Audience of the trainer's sign-in hand-off tokens; never accepted as a bearer token. */
export const SIGN_IN_AUDIENCE = "pulse-analytics:sign-in";
/** Longest a hand-off token may live (`exp` at most this far from now). */
export const SIGN_IN_MAX_TTL_SECONDS = 5 * 60;
/** Default lifetime of tokens issued by this app (CLI, tests); at most the configured maximum. */
export const DEFAULT_TOKEN_TTL_SECONDS = 60 * 60;

// Parsed once per module load, not per request.
const claims = z.object({
  sub: z.string().min(1).max(200),
  role: z.enum(ROLES),
  exp: z.number().int(),
  iat: z.number().int().optional(),
});
const signInClaims = claims.extend({
  aud: z.literal(SIGN_IN_AUDIENCE),
  jti: z.string().min(8).max(200),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A learner's `sub` is their learner id, a UUID: every learner route and query takes it as one, so
 * a token with any other `sub` is refused here, once, rather than failing deep inside a request.
 * Staff and service subjects are the identity provider's or the caller's own names.
 */
function subjectOk(payload: { sub: string; role: Role }): boolean {
  return payload.role !== "learner" || UUID.test(payload.sub);
}

// The HMAC key is imported once per secret and reused (importing it per request halved
// throughput). Few secrets exist in one process, so the cache does not need eviction.
const keys = new Map<string, Promise<CryptoKey>>();

/** The HS256 CryptoKey of `secret`, imported on first use and cached. */
export function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

/** Signs `payload` (HS256) with the cached key of `secret`. */
export async function signClaims(secret: string, payload: Record<string, unknown>) {
  return await sign(payload as Parameters<typeof sign>[0], await hmacKey(secret), "HS256");
}

/** Issues a token for `role` (and `userId` as `sub`), valid for `ttlSeconds`. */
export async function issueToken(
  secret: string,
  role: Role,
  userId: string,
  ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await signClaims(secret, { sub: userId, role, iat: now, exp: now + ttlSeconds });
}

/** Issues a single-use sign-in hand-off token (what the trainer mints for a learner's link). */
export async function issueSignInToken(
  secret: string,
  role: Role,
  userId: string,
  ttlSeconds = SIGN_IN_MAX_TTL_SECONDS,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await signClaims(secret, {
    sub: userId,
    role,
    aud: SIGN_IN_AUDIENCE,
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + ttlSeconds,
  });
}

async function verifiedPayload(secret: string, token: string): Promise<unknown> {
  try {
    // hono/jwt checks the signature, alg, exp (when present), nbf and iat.
    return await verify(token, await hmacKey(secret), "HS256");
  } catch {
    return null;
  }
}

/** `exp` must be present and the token may not live longer than `maxTtlSeconds`. */
function lifetimeOk(payload: { exp: number; iat?: number }, maxTtlSeconds: number): boolean {
  const now = Math.floor(Date.now() / 1000);
  if (payload.exp - now > maxTtlSeconds) return false;
  return payload.iat === undefined || payload.exp - payload.iat <= maxTtlSeconds;
}

/** A verified bearer token: who calls, and when the token expires (Unix seconds). */
export interface VerifiedBearer {
  caller: Caller;
  exp: number;
}

/**
 * Verifies a bearer (or session cookie) token; null when it is missing, malformed, expired, has no
 * `exp`, lives longer than `maxTtlSeconds`, carries an audience (hand-off tokens are not bearer
 * tokens), has unknown claims or is a learner's whose `sub` is not a UUID. Returns the caller with the token's expiry, so that a cache
 * (auth/verified_tokens.ts) need not decode the token again.
 */
export async function verifyBearer(
  secret: string,
  token: string,
  maxTtlSeconds = DEFAULT_TOKEN_MAX_TTL_SECONDS,
): Promise<VerifiedBearer | null> {
  const payload = await verifiedPayload(secret, token);
  if (!payload || typeof payload !== "object" || "aud" in payload) return null;
  const parsed = claims.safeParse(payload);
  if (!parsed.success || !lifetimeOk(parsed.data, maxTtlSeconds)) return null;
  if (!subjectOk(parsed.data)) return null;
  return { caller: { userId: parsed.data.sub, role: parsed.data.role }, exp: parsed.data.exp };
}

/** The caller of a bearer token (`verifyBearer` without the expiry); null when it does not verify. */
export async function verifyToken(
  secret: string,
  token: string,
  maxTtlSeconds = DEFAULT_TOKEN_MAX_TTL_SECONDS,
): Promise<Caller | null> {
  return (await verifyBearer(secret, token, maxTtlSeconds))?.caller ?? null;
}

/** A verified hand-off token: who signs in, and the id and expiry that make it single-use. */
export interface SignInGrant {
  caller: Caller;
  jti: string;
  expiresAt: Date;
}

/**
 * Verifies a sign-in hand-off token: audience `pulse-analytics:sign-in`, a `jti`, and an `exp` at
 * most five minutes away. Null otherwise. Whether the `jti` was already used is the caller's check.
 */
export async function verifySignInToken(
  secret: string,
  token: string,
): Promise<SignInGrant | null> {
  const payload = await verifiedPayload(secret, token);
  const parsed = signInClaims.safeParse(payload);
  if (!parsed.success || !lifetimeOk(parsed.data, SIGN_IN_MAX_TTL_SECONDS)) return null;
  if (!subjectOk(parsed.data)) return null;
  return {
    caller: { userId: parsed.data.sub, role: parsed.data.role },
    jti: parsed.data.jti,
    expiresAt: new Date(parsed.data.exp * 1000),
  };
}

/**
 * The token of an `Authorization: Bearer <token>` header; null when the header is absent or uses
 * another scheme (then the session cookie, if any, is what authenticates the request).
 */
export function bearerToken(header: string | undefined | null): string | null {
  return header?.match(/^Bearer\s+(.+)$/i)?.[1] ?? null;
}

/** Learners see only their own data; coaches, admins and the service see any learner's. */
export function canReadLearner(caller: Caller, userId: string): boolean {
  return caller.role === "learner" ? caller.userId.toLowerCase() === userId.toLowerCase() : true;
}

/** A fresh random secret (development only). */
export function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** File holding the development secret, so `deno task token` signs with what the server verifies. */
export function devSecretPath(dataDir: string): string {
  return `${dataDir}/dev_auth_secret`;
}

/** Reads the development secret, creating it on first use. */
export async function ensureDevSecret(dataDir: string): Promise<string> {
  const path = devSecretPath(dataDir);
  try {
    const existing = (await Deno.readTextFile(path)).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(dataDir, { recursive: true });
  const secret = generateSecret();
  await Deno.writeTextFile(path, secret, { mode: 0o600 });
  return secret;
}
