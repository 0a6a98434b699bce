/** Bearer-token identities (HS256 JWT via hono/jwt), roles and the ownership rule. */
import { sign, verify } from "hono/jwt";
import { z } from "zod";

export const ROLES = ["learner", "coach", "admin", "service"] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  userId: string;
  role: Role;
}

const claims = z.object({ sub: z.string().min(1), role: z.enum(ROLES) });

/** Issues a token for `role` (and `userId` as `sub`), valid for `ttlSeconds`. */
export async function issueToken(
  secret: string,
  role: Role,
  userId: string,
  ttlSeconds = 60 * 60 * 24 * 30,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await sign({ sub: userId, role, iat: now, exp: now + ttlSeconds }, secret, "HS256");
}

/** Verifies a token; null when it is missing, malformed, expired or has unknown claims. */
export async function verifyToken(secret: string, token: string): Promise<Caller | null> {
  try {
    const payload = await verify(token, secret, "HS256");
    const parsed = claims.safeParse(payload);
    return parsed.success ? { userId: parsed.data.sub, role: parsed.data.role } : null;
  } catch {
    return null;
  }
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
