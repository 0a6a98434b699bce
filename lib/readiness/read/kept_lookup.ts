/**
 * Kept bodies looked up by learner, the concurrent reads of one kind together: a read that arrives
 * while a lookup of its kind is running waits for it to end and goes with the others that arrived
 * meanwhile, in one statement (`user_id = any(…)`, one primary-key probe per learner). Under load
 * this replaces a statement per request — its round trip through the driver and the server's work
 * per statement, which cost about as much as the rest of a request — by one per few dozen.
 *
 * A lookup starts after every read it answers arrived (never joins one already sent), so it sees
 * whatever was committed before the read came in, as a statement of its own would. A read waits
 * for a running lookup at most MAX_WAIT_MS: then its own starts beside it, so a database that
 * stopped answering fails every read by its own deadline (the client's, counted from its
 * statement), not after the deadlines of the lookups ahead of it. Lookups of different kinds, of
 * a transaction (its own lookups: they are keyed by the client given) or of ids that are not UUID
 * text run apart: the last two as before, one statement per read.
 */
import type { Queryable } from "../../db/mod.ts";

/** UUID text as the API accepts it (any case); the lookups key the answer rows by it, lowercased. */
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Most learners in one lookup statement. */
export const MAX_LOOKUP = 128;
/** Longest a read waits for the running lookup of its kind before its own starts anyway. */
export const MAX_WAIT_MS = 25;

/** Looks up the rows of `ids` (lowercase UUID text): the answer row of each id that has one. */
export type LookupRows<R> = (sql: Queryable, ids: string[]) => Promise<(R & { user_id: string })[]>;

interface Waiting<R> {
  id: string;
  resolve: (row: R | null) => void;
  reject: (error: unknown) => void;
}

/** The lookups of one kind on one client: reads waiting, lookups running. */
class Lookups<R> {
  private waiting: Waiting<R>[] = [];
  private running = 0;
  private lastStart = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly sql: Queryable,
    private readonly lookup: LookupRows<R>,
    private readonly maxWaitMs: number,
  ) {}

  add(id: string): Promise<R | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, resolve, reject });
      this.pump();
    });
  }

  /** Starts a lookup when none runs, when a full one waits, or once the running one is too old. */
  private pump(): void {
    while (this.waiting.length > 0) {
      const waited = performance.now() - this.lastStart;
      if (this.running > 0 && this.waiting.length < MAX_LOOKUP && waited < this.maxWaitMs) {
        this.timer ??= setTimeout(() => {
          this.timer = null;
          this.pump();
        }, this.maxWaitMs - waited);
        return;
      }
      this.start(this.waiting.splice(0, MAX_LOOKUP));
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(batch: Waiting<R>[]): void {
    this.running++;
    this.lastStart = performance.now();
    const ids = [...new Set(batch.map((w) => w.id))];
    this.lookup(this.sql, ids).then((rows) => {
      const found = new Map(rows.map((r) => [r.user_id, r]));
      for (const w of batch) w.resolve(found.get(w.id) ?? null);
    }, (error) => {
      for (const w of batch) w.reject(error);
    }).finally(() => {
      this.running--;
      this.pump();
    });
  }
}

const lookups = new WeakMap<Queryable, Map<string, Lookups<unknown>>>();
/** Clients whose reads each look up their own learner (a database distributed by learner). */
const alone = new WeakSet<Queryable>();

/**
 * Every kept read through `sql` looks up its own learner, one statement each: on a database
 * distributed by learner (Citus), where a statement naming one learner goes to that learner's
 * shard alone and one naming many would go to many shards. main.ts calls it when the database
 * has the citus extension.
 */
export function lookUpEachAlone(sql: Queryable): void {
  alone.add(sql);
}

/**
 * The row of `userId` that `lookup` finds (null: none), looked up with the concurrent calls of the
 * same `kind` on the same `sql` (see the module comment). `kind` names the statement and every
 * value it binds besides the ids: calls with the same kind must mean the same lookup. `maxWaitMs`
 * (tests) applies from the first call of a kind on a client.
 */
export function lookUpKept<R>(
  sql: Queryable,
  kind: string,
  userId: string,
  lookup: LookupRows<R>,
  maxWaitMs = MAX_WAIT_MS,
): Promise<R | null> {
  if (!UUID_TEXT.test(userId) || alone.has(sql)) {
    return lookup(sql, [userId]).then((rows) => rows[0] ?? null);
  }
  let byKind = lookups.get(sql);
  if (!byKind) lookups.set(sql, byKind = new Map());
  let kept = byKind.get(kind) as Lookups<R> | undefined;
  if (!kept) {
    kept = new Lookups<R>(sql, lookup, maxWaitMs);
    byKind.set(kind, kept as Lookups<unknown>);
  }
  return kept.add(userId.toLowerCase());
}
