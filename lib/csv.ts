/**
 * CSV for downloads (RFC 4180): a header row, CRLF line ends, quoted cells where needed, and cells
 * that a spreadsheet would run as a formula made inert. Rows are written as they come, so a large
 * export never sits in memory at once.
 */

/** A cell value as the exports produce it. */
export type CsvCell = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell: empty for null, ISO for a date; text starting with = + - @ tab or CR gets a leading
 * `'` (a spreadsheet would read it as a formula) unless it is a finite number such as -3.5;
 * quoted when it holds `"`, `,`, CR or LF.
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  const isNumber = typeof value === "number" ? Number.isFinite(value) : isFiniteNumber(text);
  if (FORMULA_START.test(text) && !isNumber) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A numeric string as the database writes one ("-3.50", "12"). */
function isFiniteNumber(text: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && Number.isFinite(Number(text));
}

/** One CSV line, CRLF-terminated. */
export function csvLine(cells: CsvCell[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

/**
 * A UTF-8 byte stream of `header` then every row `rows` yields (in chunks, e.g. from a database
 * cursor). Cancelling the stream (the client went away) stops the source.
 */
export function csvStream(
  header: string[],
  rows: AsyncIterable<CsvCell[][]>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = rows[Symbol.asyncIterator]();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(header)));
        return;
      }
      const next = await iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map(csvLine).join("")));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
