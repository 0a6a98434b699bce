/**
 * The learner directory for coaches and admins: search, profile filters, band and needs-attention
 * filters, sorting and keyset paging, read from the kept directory rows (learner_directory,
 * lib/learners/directory_rows.ts): a page and its total in one statement, a second one only when
 * a page reaches the learners without the sort's figure.
 */
import { isCitusOnce } from "../db/citus.ts";
import type { Queryable } from "../db/mod.ts";
import type { ReadinessConfig } from "../readiness/config.ts";
import type { StaticConfig } from "../static_config.ts";
import { flaggedLearners } from "../cohorts/attention.ts";

export const DIRECTORY_SORTS = ["readiness", "last_active", "sessions", "delta", "name"] as const;
export type DirectorySort = typeof DIRECTORY_SORTS[number];
export type SortOrder = "asc" | "desc";

/** Largest page; also the default page size's upper bound. */
export const DIRECTORY_MAX_LIMIT = 200;
export const DIRECTORY_DEFAULT_LIMIT = 50;

/** The default order of a sort: names A to Z, every figure highest (or latest) first. */
export function defaultOrder(sort: DirectorySort): SortOrder {
  return sort === "name" ? "asc" : "desc";
}

export interface DirectoryFilters {
  /** Part of the name (or label), case-insensitive, or the start of the user id (hex). */
  q?: string;
  level?: string;
  track?: string;
  cohort?: string;
  /** A band label of the latest snapshot, or `none` for learners without one. */
  band?: string;
  /** true: learners with a needs-attention reason; false: learners without. */
  attention?: boolean;
}

export interface DirectoryQuery extends DirectoryFilters {
  sort: DirectorySort;
  order: SortOrder;
  limit: number;
  cursor?: DirectoryCursor | null;
  /** The moment "stalled" is judged at (default: now). */
  now?: Date;
}

/** Where a page ended: the last row's sort value (as text, exact) and user id. */
export interface DirectoryCursor {
  sort: DirectorySort;
  order: SortOrder;
  value: string | null;
  userId: string;
}

export interface DirectoryRow {
  user_id: string;
  /** The display name, else a label from the profile (`learnerLabel`). */
  label: string;
  level: string | null;
  track: string | null;
  cohort: string | null;
  sessions: number;
  last_active: Date | null;
  /** Overall readiness of the latest snapshot. */
  readiness: number | null;
  band: string | null;
  /** Latest overall minus the previous snapshot's overall; null when either is missing. */
  delta: number | null;
}

export interface DirectoryPage {
  learners: DirectoryRow[];
  total: number;
  next_cursor: string | null;
}

/** A cursor that is not one of ours, or was made for another sort. */
export class CursorError extends Error {
  override name = "CursorError";
}

/** Opaque base64url text of a cursor. */
export function encodeCursor(cursor: DirectoryCursor): string {
  const json = JSON.stringify([cursor.sort, cursor.order, cursor.value, cursor.userId]);
  const bytes = new TextEncoder().encode(json);
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Reads a cursor made by `encodeCursor` for the same sort and order; throws CursorError. */
export function decodeCursor(text: string, sort: DirectorySort, order: SortOrder): DirectoryCursor {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("not base64url");
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    throw new CursorError("not a cursor from this endpoint");
  }
  if (
    !Array.isArray(parsed) || parsed.length !== 4 ||
    !(DIRECTORY_SORTS as readonly unknown[]).includes(parsed[0]) ||
    (parsed[1] !== "asc" && parsed[1] !== "desc") ||
    (parsed[2] !== null && (typeof parsed[2] !== "string" || parsed[2].length > 200)) ||
    typeof parsed[3] !== "string" || !UUID.test(parsed[3])
  ) {
    throw new CursorError("not a cursor from this endpoint");
  }
  if (parsed[0] !== sort || parsed[1] !== order) {
    throw new CursorError(`made for sort=${parsed[0]}&order=${parsed[1]}; start again without it`);
  }
  const cursor = { sort, order, value: parsed[2] as string | null, userId: parsed[3] as string };
  if (cursor.value !== null && !validSortValue(sort, cursor.value)) {
    throw new CursorError("not a cursor from this endpoint");
  }
  return cursor;
}

function validSortValue(sort: DirectorySort, value: string): boolean {
  switch (sort) {
    case "readiness":
    case "delta":
      return /^-?\d{1,3}(\.\d{1,2})?$/.test(value);
    case "sessions":
      return /^\d{1,9}$/.test(value);
    case "last_active":
      // As Postgres writes a timestamptz as text, e.g. 2026-11-23 10:00:00.123456+00.
      return /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2}){0,2}|Z)?$/
        .test(value);
    case "name":
      return true;
  }
}

/** The band labels a filter may name: every configured band, insufficient evidence, `none`. */
export function bandFilterValues(config: ReadinessConfig): string[] {
  return [
    ...config.bands.map((b) => b.label),
    config.minimum_evidence.label,
    "none",
  ];
}

/** Bounds of the ids that start with `hex` (1–32 hex digits), for an index range scan. */
function idRange(hex: string): [string, string] {
  const lo = hex.padEnd(32, "0");
  const hi = hex.padEnd(32, "f");
  const uuid = (h: string) =>
    `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return [uuid(lo), uuid(hi)];
}

/** The sorts whose figure a learner may lack: the rows with it first, those without after. */
const NULLABLE: Partial<Record<DirectorySort, string>> = {
  readiness: "readiness",
  delta: "delta",
  last_active: "last_active",
};

/** Each sort's key, a column (or expression) of learner_directory, and its type. */
const SORT_KEYS: Record<DirectorySort, { key: string; type: string }> = {
  readiness: { key: "readiness", type: "numeric" },
  delta: { key: "delta", type: "numeric" },
  last_active: { key: "last_active", type: "timestamptz" },
  sessions: { key: "sessions", type: "int" },
  name: { key: "lower(label)", type: "text" },
};

/**
 * A statement's text and parameters, written as plain text: the directory's statements have a
 * few shapes, each prepared once per connection, and building them costs next to nothing per
 * request (composing query fragments cost more than the database's work for a page).
 */
class Statement {
  readonly params: unknown[] = [];
  /** `$n::type` for the value, as a parameter. */
  p(value: unknown, type: string): string {
    this.params.push(value);
    return `$${this.params.length}::${type}`;
  }
}

/** The part of the rows a statement reads: all, those with the sort's figure, those without. */
type Part = "all" | "kept" | "missing";

/**
 * The conditions on learner_directory of the filters (and of `part` for the sort's figure), as
 * SQL text joined by `and`. `flagged`: the ids of the learners with a needs-attention reason,
 * when the query filters on it.
 */
function conditions(
  st: Statement,
  q: DirectoryQuery,
  part: Part,
  flagged: string[] | null,
): string {
  const c = ["true"];
  const column = NULLABLE[q.sort];
  if (column && part === "kept") c.push(`${column} is not null`);
  if (column && part === "missing") c.push(`${column} is null`);
  if (q.level) c.push(`level = ${st.p(q.level, "text")}`);
  if (q.track) c.push(`track = ${st.p(q.track, "text")}`);
  if (q.cohort) c.push(`cohort = ${st.p(q.cohort, "text")}`);
  const search = q.q?.trim() ?? "";
  if (search) {
    const hex = search.replaceAll("-", "").toLowerCase();
    const byId = /^[0-9a-f-]+$/i.test(search) && hex.length >= 1 && hex.length <= 32;
    const like = `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const [lo, hi] = byId ? idRange(hex) : ["", ""];
    c.push(
      `(label ilike ${st.p(like, "text")}${
        byId ? ` or user_id between ${st.p(lo, "uuid")} and ${st.p(hi, "uuid")}` : ""
      })`,
    );
  }
  if (q.band === "none") c.push("band is null");
  else if (q.band !== undefined) c.push(`band = ${st.p(q.band, "text")}`);
  if (q.attention !== undefined && flagged !== null) {
    c.push(
      q.attention
        ? `user_id = any(${st.p(flagged, "uuid[]")})`
        : `user_id <> all(${st.p(flagged, "uuid[]")})`,
    );
  }
  return c.join(" and ");
}

/** Only profile filters (level, track, cohort): the total is read from the kept counts. */
function profileOnly(q: DirectoryFilters): boolean {
  return !(q.q?.trim()) && q.band === undefined && q.attention === undefined;
}

/** The number of learners matching the filters, as one SQL expression. */
function totalSql(st: Statement, q: DirectoryQuery, flagged: string[] | null): string {
  if (!profileOnly(q)) {
    return `(select count(*)::int from analytics.learner_directory
             where ${conditions(st, q, "all", flagged)})`;
  }
  const c = ["true"];
  if (q.level) c.push(`c.level = ${st.p(q.level, "text")}`);
  if (q.track) c.push(`c.track = ${st.p(q.track, "text")}`);
  if (q.cohort) c.push(`c.cohort = ${st.p(q.cohort, "text")}`);
  return `(select coalesce(sum(c.learners), 0)::int from analytics.learner_profile_counts c
           where ${c.join(" and ")})`;
}

/**
 * The learners with a needs-attention reason (stalled, declining, persistently low) as of `now`
 * among those the profile filters match, by the needs-attention list's definition
 * (`flaggedLearners`); null when the query does not filter on it.
 */
async function flaggedIds(
  sql: Queryable,
  q: DirectoryQuery,
  settings: StaticConfig,
): Promise<string[] | null> {
  if (q.attention === undefined) return null;
  const citus = await isCitusOnce(sql);
  const rows = await sql<{ user_id: string }[]>`${
    flaggedLearners(sql, q, q.now ?? new Date(), settings, citus)
  }`;
  return rows.map((r) => r.user_id);
}

/**
 * The statement of rows after the cursor, in the sort order (nulls last in both orders, ties by
 * user id), `limit` of them (all when null), with the sort key (`sk`) and the cursor value.
 * `part` (a sort whose figure may be null): only the rows with the figure, or only those without.
 */
function pageSql(
  st: Statement,
  q: DirectoryQuery,
  limit: number | null,
  part: Part,
  flagged: string[] | null,
): string {
  const { key, type } = SORT_KEYS[q.sort];
  const c = q.cursor;
  let after = "";
  if (c) {
    if (part === "missing") {
      if (c.value === null) after = `and user_id > ${st.p(c.userId, "uuid")}`;
    } else if (c.value !== null) {
      // A bound the sort's index can seek to, then the ties after the cursor's learner.
      const id = st.p(c.userId, "uuid");
      const v = st.p(c.value, `text::${type}`);
      after = q.order === "asc"
        ? `and ${key} >= ${v} and (${key} > ${v} or user_id > ${id})`
        : `and ${key} <= ${v} and (${key} < ${v} or user_id > ${id})`;
    }
  }
  const order = part === "missing"
    ? "order by user_id"
    : `order by ${key} ${q.order === "asc" ? "asc" : "desc"} nulls last, user_id`;
  const bound = limit === null ? "" : `limit ${rowsToRead(limit)}`;
  return `
    select user_id, label, level, track, cohort, sessions, last_active, readiness, band, delta,
           row_json, ${key} as sk, (${key})::text as cursor_value
    from analytics.learner_directory
    where ${conditions(st, q, part, flagged)} ${after}
    ${order}
    ${bound}`;
}

/**
 * The rows a statement reads for `n` wanted (callers keep the first `n`): one of a few sizes, each
 * a page size of the directory and the row that tells whether more follow. The size is in the
 * statement's text — a parameter there makes every plan a custom one, planned again at each
 * request — and a few sizes keep the texts (prepared statements per connection) few.
 */
const ROW_SIZES = [11, 26, 51, 101, DIRECTORY_MAX_LIMIT + 1];
export function rowsToRead(n: number): number {
  return ROW_SIZES.find((size) => size >= n) ?? Math.trunc(n);
}

/** `order by` of a page's rows read back (`p`), as pageSql ordered them. */
function pageOrder(q: DirectoryQuery, part: Part): string {
  return part === "missing"
    ? "order by p.user_id"
    : `order by p.sk ${q.order === "asc" ? "asc" : "desc"} nulls last, p.user_id`;
}

/** The part of the rows a page after the cursor starts in. */
function firstPart(q: DirectoryQuery): Part {
  if (NULLABLE[q.sort] === undefined) return "all";
  return q.cursor?.value === null ? "missing" : "kept";
}

/** A cursor value the sort key's type refuses (a data exception, class 22) is a bad cursor. */
function badCursor(q: DirectoryQuery) {
  return (error: unknown): never => {
    if (q.cursor && String((error as { code?: string }).code ?? "").startsWith("22")) {
      throw new CursorError("not a cursor from this endpoint");
    }
    throw error;
  };
}

type PageRow = DirectoryRow & { cursor_value: string | null };

const ROW_COLUMNS = `p.user_id, p.label, p.level, p.track, p.cohort, p.sessions, p.last_active,
                     p.readiness, p.band, p.delta, p.cursor_value`;

/**
 * Up to `limit` rows after the cursor and the total. A sort whose figure may be null: the learners
 * with the figure first, walked in the kept table's index order, then (only when the page is not
 * full yet) those without it by user id; each part one statement that stops at the page's end.
 */
async function pageWithTotal(
  sql: Queryable,
  q: DirectoryQuery,
  flagged: string[] | null,
  limit: number,
): Promise<{ rows: PageRow[]; total: number }> {
  const part = firstPart(q);
  const st = new Statement();
  const text = `
    select ${ROW_COLUMNS}, t.total
    from (select ${totalSql(st, q, flagged)} as total) t
    left join (${pageSql(st, q, limit, part, flagged)}) p on true
    ${pageOrder(q, part)}`;
  const head = await sql.unsafe<(PageRow & { total: number })[]>(
    text,
    st.params as never[],
    { prepare: true },
  ).catch(badCursor(q));
  const total = head[0].total;
  const rows: PageRow[] = head.filter((r) => r.user_id !== null).slice(0, limit)
    .map(({ total: _, ...r }) => r);
  if (part !== "kept" || rows.length >= limit) return { rows, total };
  const rest = new Statement();
  const more = await sql.unsafe<PageRow[]>(
    `select ${ROW_COLUMNS} from (${pageSql(rest, q, limit - rows.length, "missing", flagged)}) p ${
      pageOrder(q, "missing")
    }`,
    rest.params as never[],
    { prepare: true },
  );
  return { rows: [...rows, ...more.slice(0, limit - rows.length)], total };
}

/** One page of the directory, the number of learners matching the filters and the next cursor. */
export async function listDirectory(
  sql: Queryable,
  q: DirectoryQuery,
  settings: StaticConfig,
): Promise<DirectoryPage> {
  const limit = Math.max(1, Math.min(DIRECTORY_MAX_LIMIT, q.limit));
  const flagged = await flaggedIds(sql, q, settings);
  const { rows, total } = await pageWithTotal(sql, q, flagged, limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    learners: page.map(({ cursor_value: _, ...row }) => row),
    total,
    next_cursor: more && last
      ? encodeCursor({
        sort: q.sort,
        order: q.order,
        value: last.cursor_value,
        userId: last.user_id,
      })
      : null,
  };
}

/** One part's rows as JSON text (see jsonPart). */
interface JsonPart {
  /** The first `keep` rows' kept JSON, joined by commas. */
  rows: string;
  /** Rows read: more than `keep` when more follow in this part. */
  n: number;
  /** Sort value and user id of row number `keep` (the cursor when the page ends there). */
  cursor_value: string | null;
  cursor_user: string | null;
  total: number | null;
}

/**
 * Up to `keep` rows of `part` after the cursor as their kept JSON (learner_directory.row_json)
 * joined by the database, whether more follow, and (`withTotal`) the total: one statement.
 */
async function jsonPart(
  sql: Queryable,
  q: DirectoryQuery,
  part: Part,
  keep: number,
  flagged: string[] | null,
  withTotal: boolean,
): Promise<JsonPart> {
  const st = new Statement();
  const k = st.p(keep, "int");
  const total = withTotal ? totalSql(st, q, flagged) : "null::int";
  const [row] = await sql.unsafe<JsonPart[]>(
    `
    select coalesce(string_agg(p.row_json, ',' order by p.rn) filter (where p.rn <= ${k}), '')
             as rows,
           count(p.user_id)::int as n,
           max(p.cursor_value) filter (where p.rn = ${k}) as cursor_value,
           max(p.user_id::text) filter (where p.rn = ${k}) as cursor_user,
           t.total
    from (select ${total} as total offset 0) t
    left join (
      select p.*, row_number() over (${pageOrder(q, part)}) as rn
      from (${pageSql(st, q, keep + 1, part, flagged)}) p
    ) p on true
    group by t.total`,
    st.params as never[],
    { prepare: true },
  ).catch(badCursor(q));
  return row;
}

/**
 * One page of the directory as the JSON text `listDirectory` answers (the same rows, total and
 * cursor), joined by the database from the rows' kept JSON: what the API answers, without
 * reading the rows into objects. One statement, and a second only when the page reaches the
 * learners without the sort's figure.
 */
export async function listDirectoryJson(
  sql: Queryable,
  q: DirectoryQuery,
  settings: StaticConfig,
): Promise<string> {
  const size = Math.max(1, Math.min(DIRECTORY_MAX_LIMIT, q.limit));
  const part = firstPart(q);
  const flagged = await flaggedIds(sql, q, settings);
  const head = await jsonPart(sql, q, part, size, flagged, true);
  let rows = head.rows;
  // Row number `size` ends the page when more rows follow it.
  let last: JsonPart | null = head.n > size ? head : null;
  if (part === "kept" && head.n <= size) {
    // The rows with the figure ran out: the page goes on with those without it.
    const rest = await jsonPart(sql, q, "missing", size - head.n, flagged, false);
    rows = [head.rows, rest.rows].filter((r) => r !== "").join(",");
    if (rest.n > size - head.n) last = head.n === size ? head : rest;
  }
  const next = last && last.cursor_user !== null
    ? JSON.stringify(encodeCursor({
      sort: q.sort,
      order: q.order,
      value: last.cursor_value,
      userId: last.cursor_user,
    }))
    : "null";
  return `{"learners":[${rows}],"total":${head.total},"next_cursor":${next}}`;
}

/** Every matching row in the sort order, in chunks of `chunk` (a database cursor). */
export async function* streamDirectory(
  sql: Queryable,
  q: Omit<DirectoryQuery, "limit" | "cursor">,
  settings: StaticConfig,
  chunk = 500,
): AsyncGenerator<DirectoryRow[]> {
  const query = { ...q, limit: 0, cursor: null };
  const flagged = await flaggedIds(sql, query, settings);
  const st = new Statement();
  const text = `select ${ROW_COLUMNS} from (${pageSql(st, query, null, "all", flagged)}) p
                ${pageOrder(query, "all")}`;
  for await (
    const rows of sql.unsafe<PageRow[]>(text, st.params as never[], { prepare: true }).cursor(
      chunk,
    )
  ) {
    yield rows.map(({ cursor_value: _, ...row }) => row);
  }
}

/** The CSV columns of a directory row, in order. */
export const DIRECTORY_CSV_COLUMNS = [
  "user_id",
  "label",
  "level",
  "track",
  "cohort",
  "sessions",
  "last_active",
  "readiness",
  "band",
  "delta",
] as const;

/** The tracks and cohorts in use, for the directory's filter lists (at most 200 each). */
export async function directoryChoices(
  sql: Queryable,
): Promise<{ tracks: string[]; cohorts: string[] }> {
  const [row] = await sql<{ tracks: string[]; cohorts: string[] }[]>`
    select array(select distinct track from analytics.learners where track is not null
                 order by 1 limit 200) as tracks,
           array(select distinct cohort from analytics.learners where cohort is not null
                 order by 1 limit 200) as cohorts`;
  return row;
}
