/**
 * Where a legacy artefact (a transcript or a scorecard) goes: the one rule the backfill and the
 * import share. The learner is the one the legacy files name, else the session's owner; a session
 * of another learner is refused; an artefact the learner has already is skipped; one parked
 * unattached is attached once its learner is known; anything else is inserted (for the learner,
 * or parked unattached when none is known). Stored rows are never updated. An artefact of an
 * erased learner (by the learner, or by a session they had) is never written.
 *
 * `findArtefacts` + `placement` give the verdict read-only (skips before any work, dry runs);
 * `placeArtefacts` applies the rule inside the caller's transaction, where it counts.
 */
import type { Queryable } from "../db/mod.ts";
import { lockLearners } from "../learners/lock.ts";
import { erasedLearners, erasedSessions } from "../privacy/tombstones.ts";
import { attachSessions } from "../sessions/attach.ts";
import { claimSessions, sessionOwners } from "../sessions/owners.ts";
import { insertScorecard, type NewScorecard, storedScorecards } from "../sessions/scorecards.ts";
import {
  insertTranscripts,
  type NewTranscript,
  storedTranscripts,
} from "../sessions/transcripts.ts";

/** A legacy artefact to place; `row.userId` is the learner its files name (null: none). */
export type Artefact =
  | { kind: "transcript"; row: NewTranscript }
  | { kind: "scorecard"; row: NewScorecard };

/** What the database holds for a session's artefact, read before writing. */
export interface Found {
  /** Where the session's artefact is stored already, if anywhere. */
  stored: "learner" | "unattached" | null;
  /** The session's learner, when a writer claimed the session. */
  owner: string | null;
}

/** What writing an artefact would do, by the rule. */
export type Placement =
  | { kind: "refuse" }
  | { kind: "skip" }
  | { kind: "attach"; userId: string }
  | { kind: "insert"; userId: string | null };

/** What writing an artefact did. */
export type Placed =
  | { kind: "inserted"; userId: string | null }
  | { kind: "attached"; userId: string }
  | { kind: "skipped" }
  | { kind: "erased" }
  | { kind: "refused"; error: string };

/** The error of an artefact whose session belongs to another learner than its files name. */
export function refusal(sessionId: string): string {
  return `session ${sessionId} belongs to another learner`;
}

/**
 * Looks up the sessions' artefacts of one kind (two statements): whose they are stored as and
 * who owns the session. `named` is the learner the files name, if already known.
 */
export async function findArtefacts(
  sql: Queryable,
  kind: Artefact["kind"],
  sessions: { sessionId: string; named: string | null }[],
): Promise<Found[]> {
  const ids = [...new Set(sessions.map((s) => s.sessionId))];
  const owners = await sessionOwners(sql, ids);
  // A session nobody owns yet is looked up under the learner its files name.
  const learners = new Map(owners);
  for (const { sessionId, named } of sessions) {
    if (named !== null && !learners.has(sessionId)) learners.set(sessionId, named);
  }
  const stored = await (kind === "transcript" ? storedTranscripts : storedScorecards)(
    sql,
    ids,
    learners,
  );
  return sessions.map(({ sessionId }) => ({
    stored: !stored.has(sessionId)
      ? null
      : stored.get(sessionId) === null
      ? "unattached"
      : "learner",
    owner: owners.get(sessionId) ?? null,
  }));
}

/** The rule, on what `findArtefacts` found and the learner the files name. */
export function placement(found: Found, named: string | null): Placement {
  if (named !== null && found.owner !== null && named !== found.owner) return { kind: "refuse" };
  const learner = named ?? found.owner;
  if (found.stored === "learner") return { kind: "skip" };
  if (found.stored === "unattached") {
    return learner === null ? { kind: "skip" } : { kind: "attach", userId: learner };
  }
  return { kind: "insert", userId: learner };
}

/**
 * Applies the rule to a batch in the caller's transaction: claims the named sessions, refuses
 * those of another learner, attaches the parked artefacts of sessions whose learner is known,
 * then inserts the rest (a row already there is left as it is and the artefact is skipped).
 */
export async function placeArtefacts(tx: Queryable, items: Artefact[]): Promise<Placed[]> {
  const named = items.filter((a) => a.row.userId !== null);
  const unnamed = items.filter((a) => a.row.userId === null).map((a) => a.row.sessionId);
  // The learners' locks before any row lock (the one order of every writer of a learner's rows):
  // the learners named, and the owners of the unnamed sessions, until no new owner appears.
  const locked = new Set<string>();
  for (let owners = new Map<string, string>();; owners = await sessionOwners(tx, unnamed)) {
    const more = [...named.map((a) => a.row.userId!.toLowerCase()), ...owners.values()]
      .filter((u) => !locked.has(u));
    if (more.length === 0) break;
    await lockLearners(tx, more);
    for (const u of more) locked.add(u);
  }
  // After the locks: an erase that committed before them is seen, one after them waits for this.
  // An artefact of an erased learner, or of a session an erased learner had, is not written.
  const goneLearners = await erasedLearners(tx, [...locked]);
  const goneSessions = await erasedSessions(tx, items.map((a) => a.row.sessionId));
  const erased = items.map((a) =>
    goneSessions.has(a.row.sessionId.toLowerCase()) ||
    (a.row.userId !== null && goneLearners.has(a.row.userId.toLowerCase()))
  );
  const owners = await claimSessions(
    tx,
    named.filter((a) => !erased[items.indexOf(a)]).map((a) => ({
      session_id: a.row.sessionId,
      user_id: a.row.userId!,
    })),
  );
  // A session claimed since the caller's lookup: its artefact goes to that learner.
  for (const [s, u] of await sessionOwners(tx, unnamed)) owners.set(s, u);

  const learners = items.map((a) => owners.get(a.row.sessionId) ?? null);
  for (const [i, u] of learners.entries()) if (u !== null && goneLearners.has(u)) erased[i] = true;
  const refused = items.map((a, i) =>
    !erased[i] && a.row.userId !== null && learners[i] !== a.row.userId
  );
  const unlocked = learners.find((u, i) =>
    u !== null && !refused[i] && !erased[i] && !locked.has(u)
  );
  if (unlocked) {
    // Claimed in the instant since the owners were read: written without that learner's lock it
    // could cross an erase of them. The caller retries the artefact on its own.
    throw new Error(`a session was claimed by learner ${unlocked} meanwhile; retry`);
  }
  const ready = items.map((_, i) => i).filter((i) => !refused[i] && !erased[i]);
  // Attach first, so that an artefact parked for the session counts as present for the insert.
  const attached = await attachSessions(
    tx,
    ready.filter((i) => learners[i] !== null).map((i) => ({
      session_id: items[i].row.sessionId,
      user_id: learners[i]!,
    })),
  );
  const moved = {
    transcript: new Set(attached.transcripts),
    scorecard: new Set(attached.scorecards),
  };
  const transcripts = ready.flatMap((i) => {
    const a = items[i];
    return a.kind === "transcript" ? [{ ...a.row, userId: learners[i] }] : [];
  });
  const insertedTranscripts = await insertTranscripts(tx, transcripts);
  const inserted = new Set<number>();
  for (const i of ready) {
    const a = items[i];
    if (a.kind === "transcript") {
      if (insertedTranscripts.has(a.row.sessionId)) inserted.add(i);
    } else if (await insertScorecard(tx, { ...a.row, userId: learners[i] }) !== null) {
      inserted.add(i);
    }
  }
  return items.map((a, i): Placed => {
    const userId = learners[i];
    if (erased[i]) return { kind: "erased" };
    if (refused[i]) return { kind: "refused", error: refusal(a.row.sessionId) };
    if (userId !== null && moved[a.kind].has(a.row.sessionId)) return { kind: "attached", userId };
    if (inserted.has(i)) return { kind: "inserted", userId };
    return { kind: "skipped" };
  });
}
