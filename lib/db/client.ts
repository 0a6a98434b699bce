/** postgres.js client with the project's type parsing (numeric and int8 as JS numbers). */
import postgres from "postgres";
import { DatabaseTimeoutError, withTimeout } from "./errors.ts";

export type Sql = postgres.Sql<Record<string, never>>;
export type TransactionSql = postgres.TransactionSql<Record<string, never>>;
/** Either a pool or a transaction: lib functions take this so callers can pass `tx` down. */
export type Queryable = Sql | TransactionSql;

export interface ClientOptions {
  /** Pool size; 1 for the embedded database (it serves one connection at a time). */
  max?: number;
  prepare?: boolean;
  /** Seconds to open a connection. */
  connectTimeout?: number;
  /**
   * Milliseconds a query (from the moment it asks for a connection) or a whole transaction may take
   * before it fails with a DatabaseTimeoutError, which callers answer as "unavailable" (503). A
   * server that stopped answering without closing its sockets (frozen, partitioned) would
   * otherwise hold the query forever: TCP keepalive is answered by the peer's kernel. The server
   * is also told to cancel a statement a second after this (statement_timeout), so a slow
   * statement abandoned by its caller does not keep running. Unset: no deadline (ops tasks,
   * migrations and the embedded database run as long as they need).
   */
  deadlineMs?: number;
  /**
   * Called with the text and parameters of every statement the client sends (tests and tools
   * that look at the statements a code path sends, e.g. their plans).
   */
  onQuery?: (query: string, parameters: readonly unknown[]) => void;
}

/**
 * The server's deadline (ClientOptions.deadlineMs): no request waits longer than this on a server
 * database; past it the query fails and the request is answered 503 (documented as "within 10 s"
 * with the margin for the answer itself).
 */
export const SERVER_DEADLINE_MS = 8_000;

/** Opens a client with the project's types; see ClientOptions for the deadline. */
export function createClient(url: string, options: ClientOptions = {}): Sql {
  const max = options.max ?? 10;
  const deadline = options.deadlineMs;
  const sql = instrument(open(url, options), max, deadline);
  if (max > 1) {
    // Health checks get a connection of their own, opened on first use, so they never queue
    // behind a saturated pool. Not for a pool of one: that is the embedded database, which
    // serves one connection at a time.
    let probe: Sql | null = null;
    probes.set(sql, () => probe ??= open(url, { max: 1, connectTimeout: 2 }));
    const end = sql.end.bind(sql);
    Object.defineProperty(sql, "end", {
      value: async (o?: { timeout?: number }) => {
        await Promise.all([end(o), probe?.end(o)]);
      },
    });
  }
  return sql;
}

const probes = new WeakMap<object, () => Sql>();

/**
 * The connection for health checks of `sql`: a separate single connection to the same database
 * for a pool made by createClient with more than one connection, else `sql` itself.
 */
export function probeConnection(sql: Sql): Sql {
  return probes.get(sql)?.() ?? sql;
}

function open(url: string, options: ClientOptions): Sql {
  const deadline = options.deadlineMs;
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 30,
    // A dead peer that does answer keepalives is bounded by the deadline; one that does not is
    // noticed in seconds rather than the driver's default minute.
    keep_alive: deadline ? 5 : 60,
    prepare: options.prepare ?? true,
    onnotice: () => {},
    ...(options.onQuery
      ? {
        debug: (_connection: number, query: string, parameters: unknown[]) =>
          options.onQuery!(query, parameters),
      }
      : {}),
    // Scores are numeric(5,2) and counts int8: both well inside the exact range of a JS number.
    types: {
      numeric: {
        to: 1700,
        from: [1700],
        serialize: (v: number) => String(v),
        parse: (v: string) => Number(v),
      },
      int8: {
        to: 20,
        from: [20],
        serialize: (v: number) => String(v),
        parse: (v: string) => Number(v),
      },
      // A time given as text goes to Postgres as written, so it keeps its microseconds (the
      // driver's default turns it into a JS Date first, which keeps only milliseconds). Dates
      // and epoch milliseconds are sent as ISO text; results parse into Dates as before.
      timestamptz: {
        to: 1184,
        from: [1184],
        parse: (v: string) => new Date(v),
        serialize: (v: Date | string | number) =>
          typeof v === "string" ? v : (v instanceof Date ? v : new Date(v)).toISOString(),
      },
    },
    connection: {
      application_name: "pulse-analytics",
      ...(deadline ? { statement_timeout: deadline + 1_000 } : {}),
    },
  }) as unknown as Sql;
}

/** The most connections `sql` opens (any postgres.js client; 1 when it does not say). */
export function poolSize(sql: Sql): number {
  return (sql as unknown as { options?: { max?: number } }).options?.max ?? 1;
}

/** Pool use of a client from createClient: queries (or transactions) running and waiting. */
export interface PoolStats {
  size: number;
  inUse: number;
  waiting: number;
}

const inFlight = new WeakMap<object, { count: number; size: number }>();

/** The pool figures of `sql` (zeros for a client not made by createClient). */
export function poolStats(sql: Sql): PoolStats {
  const state = inFlight.get(sql) ?? { count: 0, size: 0 };
  return {
    size: state.size,
    inUse: Math.min(state.count, state.size),
    waiting: Math.max(0, state.count - state.size),
  };
}

type QueryLike = {
  handle?: (...args: unknown[]) => unknown;
  resolve?: (x: unknown) => unknown;
  reject?: (x: unknown) => unknown;
};

/**
 * Counts what is in flight on the pool: a query from the moment it is executed (not merely
 * built: fragments never run) until it settles, and a transaction for its whole duration.
 * With a `deadline`, either fails with a DatabaseTimeoutError once it has run that long; a
 * late answer from the driver is then ignored (the promise has settled).
 */
function instrument(sql: Sql, size: number, deadline?: number): Sql {
  const state = { count: 0, size };
  const track = (query: unknown) => {
    const q = query as QueryLike;
    if (!q || typeof q.handle !== "function") return query;
    const handle = q.handle;
    let counted = false;
    q.handle = function (this: QueryLike, ...args: unknown[]) {
      if (!counted) {
        counted = true;
        state.count++;
        const [resolve, reject] = [this.resolve!, this.reject!];
        let done = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const settle = () => !done && (done = true, state.count--, clearTimeout(timer));
        this.resolve = (x) => (settle(), resolve(x));
        this.reject = (x) => (settle(), reject(x));
        if (deadline) {
          // The caller's promise fails now; the query keeps counting until the driver settles it.
          timer = setTimeout(
            () => reject(new DatabaseTimeoutError(`the database did not answer in ${deadline} ms`)),
            deadline,
          );
        }
      }
      return handle.apply(this, args);
    };
    return query;
  };
  const proxy = new Proxy(sql, {
    apply: (target, thisArg, args) => track(Reflect.apply(target, thisArg, args)),
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "unsafe" && typeof value === "function") {
        return (...args: unknown[]) => track(value.apply(target, args));
      }
      if (prop === "begin" && typeof value === "function") {
        return async (...args: unknown[]) => {
          state.count++;
          let run: Promise<unknown>;
          try {
            run = Promise.resolve(value.apply(target, args));
          } catch (error) {
            state.count--;
            throw error;
          }
          // Counted until the driver ends it, even when the caller stopped waiting.
          const release = () => void state.count--;
          run.then(release, release);
          return await (deadline ? withTimeout(run, deadline, "the database transaction") : run);
        };
      }
      return value;
    },
  });
  inFlight.set(proxy, state);
  return proxy;
}
