/** postgres.js client with the project's type parsing (numeric and int8 as JS numbers). */
import postgres from "postgres";

export type Sql = postgres.Sql<Record<string, never>>;
export type TransactionSql = postgres.TransactionSql<Record<string, never>>;
/** Either a pool or a transaction: lib functions take this so callers can pass `tx` down. */
export type Queryable = Sql | TransactionSql;

/** Opens a client. `max` is 1 for the embedded database (it serves one connection at a time). */
export function createClient(
  url: string,
  options: { max?: number; prepare?: boolean; connectTimeout?: number } = {},
): Sql {
  const max = options.max ?? 10;
  return instrument(
    postgres(url, {
      max: options.max ?? 10,
      connect_timeout: options.connectTimeout ?? 30,
      prepare: options.prepare ?? true,
      onnotice: () => {},
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
      },
      connection: { application_name: "pulse-analytics" },
    }) as unknown as Sql,
    max,
  );
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
 */
function instrument(sql: Sql, size: number): Sql {
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
        const settle = () => !done && (done = true, state.count--);
        this.resolve = (x) => (settle(), resolve(x));
        this.reject = (x) => (settle(), reject(x));
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
          try {
            return await value.apply(target, args);
          } finally {
            state.count--;
          }
        };
      }
      return value;
    },
  });
  inFlight.set(proxy, state);
  return proxy;
}
