/**
 * Bearer tokens already verified, kept for their remaining life (five minutes at most), so a
 * client that sends the same token with every request pays for the HMAC check once: the check is
 * an asynchronous WebCrypto call whose cost per request was as large as the rest of a health
 * check. A signature that verified stays valid; what depends on the clock (expiry) is checked again
 * on every hit. Only valid tokens are kept, at most MAX_ENTRIES (the oldest go first).
 */
import { type Caller, verifyBearer } from "../auth.ts";
import { DEFAULT_TOKEN_MAX_TTL_SECONDS } from "./config.ts";

/** Tokens kept per secret and lifetime rule. */
export const MAX_ENTRIES = 10_000;
/** Longest a verified token is trusted without checking its signature again. */
export const MAX_KEEP_SECONDS = 5 * 60;

interface Entry {
  caller: Caller;
  /** Unix seconds after which the entry is not used (token expiry or MAX_KEEP_SECONDS). */
  until: number;
}

const caches = new Map<string, Map<string, Entry>>();

/** `verifyToken`, answered from the cache of recently verified tokens when it can be. */
export async function verifyTokenCached(
  secret: string,
  token: string,
  maxTtlSeconds = DEFAULT_TOKEN_MAX_TTL_SECONDS,
): Promise<Caller | null> {
  const cacheKey = `${maxTtlSeconds}:${secret}`;
  let cache = caches.get(cacheKey);
  if (!cache) caches.set(cacheKey, cache = new Map());
  const now = Math.floor(Date.now() / 1000);
  const hit = cache.get(token);
  // Valid while now < until (as the JWT check: a token is expired once exp <= now).
  if (hit && now < hit.until) return hit.caller;
  if (hit) cache.delete(token);
  // One verification gives the caller and the expiry (no second decode of the token).
  const verified = await verifyBearer(secret, token, maxTtlSeconds);
  if (!verified) return null;
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(token, {
    caller: verified.caller,
    until: Math.min(verified.exp, now + MAX_KEEP_SECONDS),
  });
  return verified.caller;
}
