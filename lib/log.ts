/**
 * Structured logs: one JSON object per line on stdout (errors on stderr) with `ts`, `level`,
 * `msg` and fields; in a terminal during development, readable lines instead
 * (`12:03:04 INFO  msg  key=value`). Inside a request every line also carries its `request_id` (kept in an
 * AsyncLocalStorage by the logging middleware), whoever writes it. Values that look like secrets
 * (bearer tokens, passwords in URLs, fields named like secrets) are masked before writing.
 */
import { AsyncLocalStorage } from "node:async_hooks";

type Level = "debug" | "info" | "warn" | "error";
export type Fields = Record<string, unknown>;

const context = new AsyncLocalStorage<Fields>();
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|connection_?string/i;

/**
 * Lines for stdout not written yet: gathered for a few milliseconds (a busy server finishes many
 * requests in that time) and written together by one system call, instead of one call per line.
 * Written at once when many are waiting, before any warning or error line, and when the process
 * exits.
 */
let pending: string[] = [];
let flushTimer: ReturnType<typeof setTimeout> | null = null;
const MAX_PENDING = 256;
/** The longest a line waits for the lines after it. */
const GATHER_MS = 5;
const encoder = new TextEncoder();

/** Writes the lines gathered for stdout now. */
export function flushLog(): void {
  if (flushTimer !== null) clearTimeout(flushTimer);
  flushTimer = null;
  if (pending.length === 0) return;
  const bytes = encoder.encode(pending.join("\n") + "\n");
  pending = [];
  for (let at = 0; at < bytes.length;) at += Deno.stdout.writeSync(bytes.subarray(at));
}
globalThis.addEventListener("unload", flushLog);

/** Where lines go; tests swap it to capture them. */
export let sink: (line: string, level: Level) => void = (line, level) => {
  if (level === "error" || level === "warn") {
    flushLog();
    console.error(line);
    return;
  }
  pending.push(line);
  if (pending.length >= MAX_PENDING) flushLog();
  else if (flushTimer === null) {
    const timer = setTimeout(flushLog, GATHER_MS);
    // A process with nothing else to do exits; "unload" writes what is left.
    Deno.unrefTimer(timer);
    flushTimer = timer;
  }
};

/** Replaces the sink (tests); returns a function restoring the previous one. */
export function setSink(next: typeof sink): () => void {
  const previous = sink;
  sink = next;
  return () => (sink = previous);
}

/** Runs `fn` with `fields` (e.g. the request id) added to every line it logs. */
export function withLogContext<T>(fields: Fields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** Adds fields to the current context (e.g. the caller's role once known). */
export function addLogContext(fields: Fields): void {
  const store = context.getStore();
  if (store) Object.assign(store, fields);
}

/** Text that may hold one of the shapes `redact` masks (a superset: it then looks closely). */
const MAYBE_SECRET = /bearer|eyJ|:\/\//i;

/** Masks secrets in a string: bearer tokens, JWT-looking values, URL passwords. */
export function redact(text: string): string {
  // Most text holds none of the three shapes: one scan tells, before three replacing passes.
  if (!MAYBE_SECRET.test(text)) return text;
  return text
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, "$1***")
    .replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "***")
    .replace(/(\w+:\/\/[^:/?#\s]+:)[^@/\s]+@/g, "$1***@");
}

function clean(value: unknown, key = ""): unknown {
  if (key !== "" && SECRET_KEY.test(key) && value !== null && value !== undefined) return "***";
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "string") return redact(value);
  if (value instanceof Error) return redact(value.message);
  if (Array.isArray(value)) return value.map((v) => clean(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v, k)]));
  }
  return value;
}

/** How lines are written: JSON for machines, readable text for a person at a terminal. */
export type LogFormat = "json" | "text";

/**
 * Text when a person reads the console (stdout is a terminal) outside production; JSON
 * otherwise (a collector, a file, a pipe, or production).
 */
export function chooseFormat(
  env: string | undefined = Deno.env.get("PULSE_ENV"),
  isTerminal: boolean = Deno.stdout.isTerminal(),
): LogFormat {
  return isTerminal && env !== "production" ? "text" : "json";
}

let format: LogFormat = chooseFormat();

/** Sets the format (tests); returns a function restoring the previous one. */
export function setFormat(next: LogFormat): () => void {
  const previous = format;
  format = next;
  return () => (format = previous);
}

/** A record `{ ts, level, msg, ...fields }` as one line in `as` format. */
export function formatLine(
  record: { ts: string; level: Level; msg: string } & Fields,
  as: LogFormat,
): string {
  if (as === "json") return JSON.stringify(record);
  const { ts, level, msg, ...fields } = record;
  const time = new Date(ts).toTimeString().slice(0, 8);
  const pairs = Object.entries(fields).map(([k, v]) =>
    `${k}=${typeof v === "string" && !/[\s"=]/.test(v) ? v : JSON.stringify(v)}`
  );
  return [`${time} ${level.toUpperCase().padEnd(5)} ${msg}`, ...pairs].join("  ");
}

function write(level: Level, msg: string, fields: Fields = {}) {
  const record = {
    ts: new Date().toISOString(),
    level,
    msg: redact(msg),
    ...(clean({ ...context.getStore(), ...fields }) as Fields),
  };
  sink(formatLine(record, format), level);
}

export const log = {
  debug: (msg: string, fields?: Fields) => write("debug", msg, fields),
  info: (msg: string, fields?: Fields) => write("info", msg, fields),
  warn: (msg: string, fields?: Fields) => write("warn", msg, fields),
  error: (msg: string, fields?: Fields) => write("error", msg, fields),
};
