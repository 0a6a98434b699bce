/**
 * CSV downloads (RFC 4180): a header row, CRLF line ends, UTF-8, fields quoted when they hold `"`,
 * `,`, CR or LF (quotes doubled). Text that a spreadsheet would run as a formula — starting with
 * `=`, `+`, `-`, `@`, tab or CR — gets a leading `'` so it shows as text. Finite numbers are written
 * as they are, also negative ones (`-3.5`, or the text `"-3.50"` as the database writes a
 * numeric, is a number, not a formula). Rows are streamed from an
 * async iterable, a chunk at a time, so a large export never sits in memory as a whole.
 */

/** One cell: text, a number, a boolean, a time (ISO), or empty (null/undefined). */
export type CsvCell = string | number | boolean | Date | null | undefined;
export type CsvRow = readonly CsvCell[];

/** Characters that make a spreadsheet read a cell as a formula when they come first. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell as CSV text: formula-safe, quoted when needed. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    // A finite number is data, never a formula; NaN and ±Infinity are not numbers to a sheet.
    if (Number.isFinite(value)) return String(value);
    value = String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return value.toISOString();
  // A numeric text as the database writes one ("-3.50") is a number too, not a formula.
  const text = FORMULA_START.test(value) && !isNumeric(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A number as the database writes a numeric ("-3.50", "12"); "+1" or "1e3" stay text. */
function isNumeric(text: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(text);
}

/** One record: cells joined by commas, ended by CRLF. */
export function csvLine(row: CsvRow): string {
  return row.map(csvCell).join(",") + "\r\n";
}

/** A whole (small) CSV document as text. */
export function csvText(header: readonly string[], rows: Iterable<CsvRow>): string {
  let out = csvLine(header);
  for (const row of rows) out += csvLine(row);
  return out;
}

/** Bytes gathered before a chunk is handed on. */
const CHUNK_BYTES = 64 * 1024;

/**
 * A CSV byte stream: the header, then each row as the consumer pulls (back-pressure reaches the
 * producer, e.g. a database cursor). Cancelling the stream ends the iteration (closing the cursor).
 */
export function csvStream(
  header: readonly string[],
  rows: AsyncIterable<CsvRow> | Iterable<CsvRow>,
  options: { chunkBytes?: number } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const limit = options.chunkBytes ?? CHUNK_BYTES;
  const iterator = Symbol.asyncIterator in rows
    ? (rows as AsyncIterable<CsvRow>)[Symbol.asyncIterator]()
    : (rows as Iterable<CsvRow>)[Symbol.iterator]();
  let pending = csvLine(header);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (pending.length < limit) {
        const next = await iterator.next();
        if (next.done) {
          if (pending) controller.enqueue(encoder.encode(pending));
          pending = "";
          controller.close();
          return;
        }
        pending += csvLine(next.value);
      }
      controller.enqueue(encoder.encode(pending));
      pending = "";
    },
    async cancel() {
      await iterator.return?.();
    },
  }, { highWaterMark: 1 });
}

/** Rows one at a time from batches (a postgres.js `cursor(n)` yields arrays of rows). */
export async function* flatten<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

/** Maps each item of an async iterable. */
export async function* mapRows<T, R>(
  items: AsyncIterable<T>,
  f: (item: T) => R,
): AsyncGenerator<R> {
  for await (const item of items) yield f(item);
}

/**
 * Whether a request asks for CSV: `format=csv`, or no `format` and an Accept header that takes
 * text/csv at least as gladly as JSON (`format=json` always answers JSON).
 */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === "csv";
  if (!accept) return false;
  const q = (type: string) => {
    let best = -1;
    for (const part of accept.split(",")) {
      const [media, ...params] = part.trim().toLowerCase().split(";").map((s) => s.trim());
      if (media !== type && !(type === "application/json" && media === "*/*")) continue;
      const qp = params.find((p) => p.startsWith("q="));
      const value = qp ? Number(qp.slice(2)) : 1;
      if (Number.isFinite(value)) best = Math.max(best, value);
    }
    return best;
  };
  const csv = q("text/csv");
  return csv > 0 && csv >= q("application/json");
}

/** A CSV download: text/csv in UTF-8, offered as `filename`. */
export function csvResponse(filename: string, body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}

/**
 * The same rows, with the first one already fetched: a query that fails at once (say the database
 * is down) then fails before a 200 and the CSV header are sent, not in the middle of the body.
 */
export async function primed<T>(rows: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    async *[Symbol.asyncIterator]() {
      try {
        if (first.done) return;
        yield first.value;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await iterator.return?.();
      }
    },
  };
}
