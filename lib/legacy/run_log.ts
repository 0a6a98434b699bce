/**
 * Log lines and counts of the ops runs (backfill, legacy import): one line per item —
 * `{prefix}: inserted {item}`, `skipped existing {item}`, `skipped erased learner {item}`,
 * `would insert {item}` (dry run) or `failed {item}: {error}` — then one summary line.
 */

/** Receives every log line; `error` lines are the `failed` ones. */
export type LogSink = (line: string, level: "info" | "error") => void;

/** A sink that keeps the lines in memory (tests, benchmarks). */
export function memoryLog(): { sink: LogSink; info: string[]; errors: string[] } {
  const info: string[] = [];
  const errors: string[] = [];
  return { sink: (line, level) => (level === "error" ? errors : info).push(line), info, errors };
}

export interface RunSummary {
  dryRun: boolean;
  discovered: number;
  inserted: number;
  wouldInsert: number;
  skipped: number;
  /** Items of erased learners, not written (not counted in `skipped`). */
  skippedErased: number;
  failed: number;
}

/** A message on one line, for log lines that must stay one line each. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").trim() || "unknown error";
}

/** Counts outcomes and writes their log lines. */
export class RunLog {
  readonly summary: RunSummary;

  constructor(readonly prefix: string, dryRun: boolean, private readonly sink: LogSink) {
    this.summary = {
      dryRun,
      discovered: 0,
      inserted: 0,
      wouldInsert: 0,
      skipped: 0,
      skippedErased: 0,
      failed: 0,
    };
  }

  discovered(): void {
    this.summary.discovered++;
  }

  inserted(item: string): void {
    this.summary.inserted++;
    this.sink(`${this.prefix}: inserted ${item}`, "info");
  }

  skipped(item: string): void {
    this.summary.skipped++;
    this.sink(`${this.prefix}: skipped existing ${item}`, "info");
  }

  /** An item of an erased learner: left out, whatever it holds. */
  skippedErased(item: string): void {
    this.summary.skippedErased++;
    this.sink(`${this.prefix}: skipped erased learner ${item}`, "info");
  }

  wouldInsert(item: string): void {
    this.summary.wouldInsert++;
    this.sink(`${this.prefix}: would insert ${item}`, "info");
  }

  failed(item: string, error: unknown): void {
    this.summary.failed++;
    this.sink(`${this.prefix}: failed ${item}: ${oneLine(error)}`, "error");
  }
}

/** The closing summary line; `extra` adds `key=value` counts of the run. */
export function summaryLine(
  prefix: string,
  s: RunSummary,
  extra: Record<string, number> = {},
): string {
  const more = Object.entries(extra).map(([k, v]) => ` ${k}=${v}`).join("");
  const counts =
    `discovered=${s.discovered} inserted=${s.inserted} skipped=${s.skipped} failed=${s.failed}` +
    ` skipped_erased=${s.skippedErased}`;
  return s.dryRun
    ? `${prefix}: summary (dry run, nothing written) ${counts} would_insert=${s.wouldInsert}${more}`
    : `${prefix}: summary ${counts}${more}`;
}
