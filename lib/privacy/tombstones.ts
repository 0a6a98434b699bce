/**
 * Tombstones of erased learners (`analytics.erased_learners`): keyed hashes of the learner's user
 * id and session ids, never the ids themselves. Every writer of a learner's rows checks them inside
 * its transaction, after the learner's lock, so nothing is written for an erased learner — not even
 * by a request that raced the erase — until an admin lifts the tombstone.
 *
 * The hash is HMAC-SHA256 under the erasure key: PULSE_ERASURE_KEY when set, else the token secret
 * (PULSE_AUTH_SECRET, or in development the secret kept in the data directory). Changing the key
 * makes the existing tombstones unreadable: when rotating PULSE_AUTH_SECRET, set PULSE_ERASURE_KEY
 * to the old secret.
 */
import type { Queryable, Sql } from "../db/mod.ts";
import { lockLearners } from "../learners/lock.ts";

/** Thrown by a writer asked to store data of an erased learner (the API answers 410). */
export class LearnerErasedError extends Error {
  override name = "LearnerErasedError";
  constructor(readonly userId: string) {
    super(`Learner ${userId} was erased; their data is not accepted`);
  }
}

/** Used by library calls in a process that never configured a key (tests, tools): not secret. */
const UNCONFIGURED_KEY = "pulse-analytics erasure key (unconfigured, development only)";
let material = UNCONFIGURED_KEY;
let key: Promise<CryptoKey> | null = null;

/**
 * Sets the erasure key of this process (start-up of the server and of each ops task); null: the
 * unconfigured development key.
 */
export function useErasureKey(secret: string | null): void {
  const next = secret ?? UNCONFIGURED_KEY;
  if (next === material) return;
  material = next;
  key = null;
}

function hmacKey(): Promise<CryptoKey> {
  key ??= crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(material),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return key;
}

/** Hex HMAC of an id under a label, so that a learner's and a session's hashes never mix. */
async function keyed(label: "learner" | "session", id: string): Promise<string> {
  const data = new TextEncoder().encode(`pulse-analytics ${label} v1\n${id.toLowerCase()}`);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(), data));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The tombstone key of a learner. */
export function learnerHash(userId: string): Promise<string> {
  return keyed("learner", userId);
}

/** The tombstone key of a session. */
export function sessionHash(sessionId: string): Promise<string> {
  return keyed("session", sessionId);
}

/** Who erased: the caller's role and token subject (staff data, not the learner's). */
export interface ErasedBy {
  role: string;
  sub: string;
}

/**
 * Writes (or refreshes) the learner's tombstone with the hashes of their sessions (`sessionIds`),
 * in the erase's transaction, after the learner's lock and before their rows are deleted.
 */
export async function writeTombstone(
  tx: Queryable,
  userId: string,
  sessionIds: string[],
  by: ErasedBy,
): Promise<void> {
  const learner = await learnerHash(userId);
  // A tombstone written before (the learner came back and was erased again) keeps its sessions.
  // Read first, under the learner's lock: Citus takes no subquery in an upsert's DO UPDATE.
  const [earlier] = await tx<{ session_hmacs: string[] }[]>`
    select session_hmacs from analytics.erased_learners where learner_hmac = ${learner}`;
  const hashes = [
    ...new Set([
      ...(earlier?.session_hmacs ?? []),
      ...await Promise.all(sessionIds.map((s) => sessionHash(s))),
    ]),
  ].sort();
  await tx`
    insert into analytics.erased_learners
      (learner_hmac, session_hmacs, erased_at, erased_by_role, erased_by_sub)
    values (${learner}, ${hashes}::text[], now(), ${by.role}, ${by.sub})
    on conflict (learner_hmac) do update set
      session_hmacs = excluded.session_hmacs,
      erased_at = excluded.erased_at,
      erased_by_role = excluded.erased_by_role,
      erased_by_sub = excluded.erased_by_sub`;
}

/** The learners among `userIds` that have a tombstone (lower-case ids). */
export async function erasedLearners(tx: Queryable, userIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(userIds.map((u) => u.toLowerCase()))];
  if (ids.length === 0) return new Set();
  const hashes = await Promise.all(ids.map(learnerHash));
  const rows = await tx<{ learner_hmac: string }[]>`
    select learner_hmac from analytics.erased_learners
    where learner_hmac = any(${hashes}::text[])`;
  const found = new Set(rows.map((r) => r.learner_hmac));
  return new Set(ids.filter((_, i) => found.has(hashes[i])));
}

/** The sessions among `sessionIds` that an erased learner had (lower-case ids). */
export async function erasedSessions(tx: Queryable, sessionIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(sessionIds.map((s) => s.toLowerCase()))];
  if (ids.length === 0) return new Set();
  const hashes = await Promise.all(ids.map(sessionHash));
  const rows = await tx<{ h: string }[]>`
    select distinct h from analytics.erased_learners, unnest(session_hmacs) h
    where session_hmacs && ${hashes}::text[] and h = any(${hashes}::text[])`;
  const found = new Set(rows.map((r) => r.h));
  return new Set(ids.filter((_, i) => found.has(hashes[i])));
}

/** Throws LearnerErasedError when the learner has a tombstone (inside the writer's transaction). */
export async function assertNotErased(tx: Queryable, userId: string): Promise<void> {
  if ((await erasedLearners(tx, [userId])).size > 0) throw new LearnerErasedError(userId);
}

/** True when the learner has a tombstone. */
export async function isErased(sql: Queryable, userId: string): Promise<boolean> {
  return (await erasedLearners(sql, [userId])).size > 0;
}

/**
 * Lifts the learner's tombstone (a learner who came back with consent): their data is accepted
 * again. Under the learner's lock, like every writer of them. False when there was none.
 */
export async function liftTombstone(sql: Sql, userId: string): Promise<boolean> {
  return await sql.begin(async (tx) => {
    await lockLearners(tx, [userId.toLowerCase()]);
    const deleted = await tx`
      delete from analytics.erased_learners where learner_hmac = ${await learnerHash(userId)}`;
    return deleted.count > 0;
  });
}

/**
 * Whether a write of these sessions for this learner (null: not known) would be refused as an
 * erased learner's: what a dry run reports instead of "would insert" (read-only; the real run
 * checks again under the learner's lock).
 */
export async function wouldBeErased(
  tx: Queryable,
  sessionIds: string[],
  userId: string | null,
): Promise<boolean> {
  if (userId !== null && (await erasedLearners(tx, [userId])).size > 0) return true;
  return (await erasedSessions(tx, sessionIds)).size > 0;
}
