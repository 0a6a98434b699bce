/**
 * Input rules shared by every entry point: strings Postgres can store (no NUL, no unpaired
 * surrogates), bounded JSON nesting, timestamps Postgres can store, and the skill/step vocabulary
 * matched the way people write it.
 */
import { z } from "zod";

/** Deepest JSON nesting accepted in a request body (objects and arrays count one level each). */
export const MAX_JSON_DEPTH = 64;

/** How far in the future an event may be dated (clock skew between the orchestrator and us). */
export const MAX_FUTURE_MS = 5 * 60 * 1000;

/** Why `value` cannot be stored as Postgres text, or null when it can. */
export function badStringReason(value: string): string | null {
  if (value.includes("\0")) return "must not contain a NUL character (U+0000)";
  if (!value.isWellFormed()) return "must not contain an unpaired UTF-16 surrogate";
  return null;
}

export interface BadString {
  path: (string | number)[];
  message: string;
}

/**
 * Walks a parsed JSON value (without recursion, so depth costs no stack) and returns the first
 * string, value or key, that Postgres could not store.
 */
export function findBadString(value: unknown): BadString | null {
  // Each entry links to its parent, so a path is built only for the bad string (linear in depth).
  interface Node {
    value: unknown;
    key: string | number | null;
    parent: Node | null;
  }
  const pathOf = (node: Node | null): (string | number)[] => {
    const path: (string | number)[] = [];
    for (let n = node; n && n.key !== null; n = n.parent) path.push(n.key);
    return path.reverse();
  };
  const stack: Node[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === "string") {
      const reason = badStringReason(v);
      if (reason) return { path: pathOf(node), message: reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: node });
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const reason = badStringReason(key);
        if (reason) {
          return { path: [...pathOf(node), printableKey(key)], message: `key ${reason}` };
        }
        stack.push({ value: child, key, parent: node });
      }
    }
  }
  return null;
}

/** A key as it can be shown in an error message (NUL and lone surrogates escaped). */
export function printableKey(key: string): string {
  return key.replace(
    /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A validation issue: zod's, or one the API error body carries. */
export interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** How describeIssues writes the first issue. */
export interface IssueStyle {
  /**
   * The path as `a.0.b` (default), `a[0].b`, or its first key alone (an environment variable or a
   * command-line flag names the whole value, whichever element of it failed).
   */
  path?: "dots" | "brackets" | "head";
  /** Written in place of an empty path, e.g. "(root)"; default nothing. */
  root?: string;
  /** Between path and message; default ": ". */
  separator?: string;
  /** Append " (and N more)" when there are more issues; default true. */
  more?: boolean;
}

/**
 * The first issue of a failed validation as one line (`path: message (and N more)` by default):
 * the one formatter behind API 400s, configuration errors and script usage errors.
 */
export function describeIssues(issues: readonly Issue[], style: IssueStyle = {}): string {
  const [first] = issues;
  if (!first) return "unknown problem";
  const { path: form = "dots", root = "", separator = ": ", more = true } = style;
  const path = form === "head"
    ? first.path.slice(0, 1).map(String).join("")
    : form === "brackets"
    ? first.path.map((p) => typeof p === "number" ? `[${p}]` : `.${String(p)}`).join("")
      .replace(/^\./, "")
    : first.path.map(String).join(".");
  const at = path || root;
  const rest = more && issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${at ? `${at}${separator}` : ""}${first.message}${rest}`;
}

/**
 * Deepest nesting of a JSON text, scanning its characters (strings skipped); stops counting as
 * soon as `limit` is passed, so a hostile body costs one linear pass and no parse.
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return max;
}

const ISO_PARTS = /^(\d{4})-\d{2}-\d{2}T[^Zz+-]*(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const FRACTION = /[.,](\d+)/;
/** Most fractional-second digits kept (nanoseconds; Postgres keeps microseconds). */
const MAX_FRACTION_DIGITS = 9;
// The instants every layer (JavaScript Date's ISO form, Postgres) reads alike: years 0001–9999 UTC.
const EARLIEST_MS = Date.parse("0001-01-01T00:00:00Z");
const LATEST_MS = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * Why an ISO 8601 timestamp (already well-formed) cannot be stored, or null: year 0000, an offset
 * beyond ±15:59, more than nine fractional digits, or an instant outside 0001–9999 in UTC (e.g.
 * `0001-01-01T00:00:00+14:00`, which is in the year 1 BC once the offset is applied).
 */
export function unstorableTimestampReason(value: string): string | null {
  const m = ISO_PARTS.exec(value);
  if (!m) return null;
  if (m[1] === "0000") return "year 0000 does not exist (years start at 0001)";
  if (m[2] && Number(m[3]) > 15) {
    return `UTC offset ${m[2]}${m[3]}:${m[4]} is out of range (at most ±15:59)`;
  }
  const fraction = FRACTION.exec(value)?.[1];
  if (fraction && fraction.length > MAX_FRACTION_DIGITS) {
    return `has ${fraction.length} fractional second digits (at most ${MAX_FRACTION_DIGITS})`;
  }
  const ms = Date.parse(value);
  if (!Number.isNaN(ms) && (ms < EARLIEST_MS || ms > LATEST_MS)) {
    return "is outside the years 0001–9999 once converted to UTC";
  }
  return null;
}

/**
 * An ISO 8601 timestamp with offset that Postgres can store; with `maxFutureMs`, also no later
 * than that much after now (evidence cannot come from the future).
 */
export function isoTimestamp(options: { maxFutureMs?: number } = {}) {
  return z.iso.datetime({ offset: true }).superRefine((value, ctx) => {
    const reason = unstorableTimestampReason(value);
    if (reason) {
      ctx.addIssue({ code: "custom", message: reason });
      return;
    }
    if (options.maxFutureMs !== undefined) {
      const now = Date.now();
      if (Date.parse(value) > now + options.maxFutureMs) {
        ctx.addIssue({
          code: "custom",
          message: `is more than ${
            Math.round(options.maxFutureMs / 60000)
          } minutes in the future (server time ${new Date(now).toISOString()})`,
        });
      }
    }
  });
}

/** One entry of a configured vocabulary (a skill tag or a PULSE step) and its display label. */
export interface Term {
  key: string;
  label: string;
}

/** Lower case, trimmed, spaces and hyphens as underscores: how a term is compared. */
export function normaliseTerm(value: string): string {
  return value.normalize("NFKC").trim().toLowerCase().replace(/[\s-]+/g, "_");
}

/**
 * A vocabulary matched case-insensitively by key or label ("Understand", "technical depth",
 * "Probing" for `probe`), resolving to the canonical key. Keys and labels must not collide.
 */
export class Vocabulary {
  readonly #byTerm = new Map<string, string>();
  readonly allowed: string;

  constructor(readonly what: string, readonly terms: readonly Term[]) {
    for (const { key, label } of terms) {
      for (const term of new Set([normaliseTerm(key), normaliseTerm(label)])) {
        const owner = this.#byTerm.get(term);
        if (owner !== undefined && owner !== key) {
          throw new Error(`config: ${what} '${term}' names both '${owner}' and '${key}'`);
        }
        this.#byTerm.set(term, key);
      }
    }
    this.allowed = terms.map((t) => t.key).join(", ");
  }

  /** The canonical key for `value`, or null when it names nothing in the vocabulary. */
  resolve(value: string): string | null {
    return this.#byTerm.get(normaliseTerm(value)) ?? null;
  }

  /** The message for an unknown value, listing the allowed keys. */
  unknown(value: string): string {
    return `unknown ${this.what} '${printableKey(value)}'; allowed: ${this.allowed} ` +
      `(case-insensitive; labels accepted too)`;
  }

  /** zod schema of one value: accepts a key or label in any case, outputs the canonical key. */
  schema() {
    return z.string().transform((value, ctx) => {
      const key = this.resolve(value);
      if (key === null) {
        ctx.addIssue({ code: "custom", message: this.unknown(value) });
        return z.NEVER;
      }
      return key;
    });
  }
}
