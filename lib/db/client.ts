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
  return postgres(url, {
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
  }) as unknown as Sql;
}
