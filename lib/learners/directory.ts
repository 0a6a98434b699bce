/**
 * The learner directory for coaches and admins: search, profile filters, band and needs-attention
 * filters, sorting and keyset paging, in one set-based statement for a page (and one for the total).
 */
import type postgres from "postgres";
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

/**
 * The needs-attention rule, as one SQL condition on the directory row `d`: the learner has a
 * reason on the needs-attention list (stalled, declining, persistently low) as of `now`, by the
 * same definition (`flaggedLearners`).
 */
export function needsAttention(
  sql: Queryable,
  now: Date,
  settings: StaticConfig,
): postgres.PendingQuery<postgres.Row[]> {
  return sql`d.user_id in (${flaggedLearners(sql, sql`select d.user_id from d`, now, settings)})`;
}

/** Bounds of the ids that start with `hex` (1–32 hex digits), for an index range scan. */
function idRange(hex: string): [string, string] {
  const lo = hex.padEnd(32, "0");
  const hi = hex.padEnd(32, "f");
  const uuid = (h: string) =>
    `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return [uuid(lo), uuid(hi)];
}

/**
 * `d` (every learner with the directory's columns, profile filters applied) and `m` (the rest).
 * `countOnly`: only `m`'s rows matter, not its columns, so the per-learner figures are left out
 * unless a filter reads them (the band filter). `sessionsLater`: the session figures are left to
 * the caller, which adds them to the rows of a page only (when the order does not need them).
 * `part` (sorts by a kept figure, readiness or delta, with the session figures later): `kept`,
 * only learners with that figure, read from learner_latest in its index order; `missing`, only
 * learners without it.
 */
function matching(
  sql: Queryable,
  q: DirectoryQuery,
  settings: StaticConfig,
  countOnly = false,
  sessionsLater = false,
  part?: "kept" | "missing",
) {
  const none = sql``;
  const search = q.q?.trim() ?? "";
  const hex = search.replaceAll("-", "").toLowerCase();
  const byId = /^[0-9a-f-]+$/i.test(search) && hex.length >= 1 && hex.length <= 32;
  const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const [lo, hi] = byId ? idRange(hex) : ["", ""];
  const sortKey = {
    readiness: sql`d.readiness`,
    last_active: sql`d.last_active`,
    sessions: sql`d.sessions`,
    delta: sql`d.delta`,
    name: sql`lower(d.label)`,
  }[q.sort];
  // The per-learner figures: sessions and last activity, and the latest two snapshots.
  const sessions = sql`
      left join lateral (
        select max(coalesce(x.completed_at, x.started_at)) as last_active, count(*) as sessions
        from analytics.sessions x where x.user_id = l.user_id
      ) s on true`;
  // The latest snapshot, kept per learner (learner_latest, rewritten with the snapshots).
  const snapshots = sql`
      left join analytics.learner_latest r on r.user_id = l.user_id`;
  const figures = countOnly
    ? (q.band === undefined ? none : sql`, r.band`)
    : sql`${
      sessionsLater ? none : sql`, s.last_active, coalesce(s.sessions, 0)::int as sessions`
    }, r.readiness, r.band, r.delta`;
  const joins = countOnly
    ? (q.band === undefined ? none : snapshots)
    : sessionsLater
    ? snapshots
    : sql`${sessions} ${snapshots}`;
  const kept = q.sort === "delta" ? sql`r.delta` : sql`r.readiness`;
  // The learners: from the kept rows in their order (the planner walks the sort's index and stops
  // at the page's end), or every learner with the figures joined.
  const from = part === "kept"
    ? sql`select r.user_id, l.level, l.track, l.cohort,
             coalesce(l.display_name, ${labelSql(sql)}) as label ${figures}
          from analytics.learner_latest r
          join analytics.learners l on l.user_id = r.user_id
          where ${kept} is not null`
    : sql`select l.user_id, l.level, l.track, l.cohort,
             coalesce(l.display_name, ${labelSql(sql)}) as label ${figures}
          from analytics.learners l
          ${joins}
          where ${part === "missing" ? sql`${kept} is null` : sql`true`}`;
  return sql`
    d as (
      ${from}
        ${q.level ? sql`and l.level = ${q.level}` : none}
        ${q.track ? sql`and l.track = ${q.track}` : none}
        ${q.cohort ? sql`and l.cohort = ${q.cohort}` : none}
    ),
    m as (
      select d.* ${countOnly ? none : sql`, ${sortKey} as sort_key`} from d
      where true
        ${
    search
      ? sql`and (d.label ilike ${like} ${
        byId ? sql`or d.user_id between ${lo}::uuid and ${hi}::uuid` : none
      })`
      : none
  }
        ${
    q.band === undefined
      ? none
      : q.band === "none"
      ? sql`and d.band is null`
      : sql`and d.band = ${q.band}`
  }
        ${
    q.attention === undefined
      ? none
      : q.attention
      ? sql`and ${needsAttention(sql, q.now ?? new Date(), settings)}`
      : sql`and not ${needsAttention(sql, q.now ?? new Date(), settings)}`
  }
    )`;
}

/** The fallback label in SQL, the same text as `learnerLabel` without a display name. */
function labelSql(sql: Queryable) {
  return sql`(
    case when concat_ws(' ', l.level, l.track) = '' then 'Learner'
         else upper(left(concat_ws(' ', l.level, l.track), 1))
              || substr(concat_ws(' ', l.level, l.track), 2) || ' learner' end
    || ' ' || left(l.user_id::text, 4))`;
}

/** The cursor's sort value (text) back in the sort key's type, by the database (exact). */
function castValue(sql: Queryable, sort: DirectorySort, value: string) {
  switch (sort) {
    case "readiness":
    case "delta":
      return sql`${value}::text::numeric`;
    case "last_active":
      return sql`${value}::text::timestamptz`;
    case "sessions":
      return sql`${value}::text::int`;
    case "name":
      return sql`${value}::text::text`;
  }
}

type PageRow = DirectoryRow & { cursor_value: string | null };

/**
 * Rows after the cursor, in the sort order (nulls last in both orders, ties by user id). `part`
 * (readiness or delta): only the rows with the kept figure, or only those without it.
 */
function pageRows(
  sql: Queryable,
  q: DirectoryQuery,
  settings: StaticConfig,
  limit: number | null,
  part?: "kept" | "missing",
) {
  const none = sql``;
  const dir = q.order === "asc" ? sql`asc` : sql`desc`;
  const c = q.cursor;
  let after = none;
  if (c) {
    const v = c.value === null ? none : castValue(sql, q.sort, c.value);
    const id = sql`${c.userId}::uuid`;
    if (part === "kept") {
      // A bound the sort's index can seek to, then the ties after the cursor's learner.
      after = q.order === "asc"
        ? sql`and m.sort_key >= ${v} and (m.sort_key > ${v} or m.user_id > ${id})`
        : sql`and m.sort_key <= ${v} and (m.sort_key < ${v} or m.user_id > ${id})`;
    } else if (part === "missing") {
      after = c.value === null ? sql`and m.user_id > ${id}` : none;
    } else {
      after = c.value === null
        ? sql`and m.sort_key is null and m.user_id > ${id}`
        : q.order === "asc"
        ? sql`and (m.sort_key > ${v} or (m.sort_key = ${v} and m.user_id > ${id})
                   or m.sort_key is null)`
        : sql`and (m.sort_key < ${v} or (m.sort_key = ${v} and m.user_id > ${id})
                   or m.sort_key is null)`;
    }
  }
  const order = part === "missing"
    ? sql`order by m.user_id`
    : sql`order by m.sort_key ${dir} nulls last, m.user_id`;
  const bound = limit === null ? none : sql`limit ${limit}`;
  if (q.sort === "sessions" || q.sort === "last_active") {
    return sql<PageRow[]>`
      with ${matching(sql, q, settings)}
      select m.user_id, m.label, m.level, m.track, m.cohort, m.sessions, m.last_active,
             m.readiness, m.band, m.delta, m.sort_key::text as cursor_value
      from m
      where true ${after}
      ${order}
      ${bound}`;
  }
  // The order does not read the session figures: the page is chosen first, and only its rows
  // count their sessions (grouped per learner of the page and joined, not a lateral subquery: on
  // Citus the count runs on the page's learners' shards, where a lateral outer join against the
  // page is refused).
  return sql<PageRow[]>`
    with ${matching(sql, q, settings, false, true, part)},
    page as (
      select m.user_id, m.label, m.level, m.track, m.cohort, m.readiness, m.band, m.delta,
             m.sort_key
      from m
      where true ${after}
      ${order}
      ${bound}
    )
    select m.user_id, m.label, m.level, m.track, m.cohort, coalesce(s.sessions, 0)::int as sessions,
           s.last_active, m.readiness, m.band, m.delta, m.sort_key::text as cursor_value
    from page m
    left join (
      select x.user_id, max(coalesce(x.completed_at, x.started_at)) as last_active,
             count(*) as sessions
      from analytics.sessions x where x.user_id in (select user_id from page)
      group by x.user_id
    ) s on s.user_id = m.user_id
    ${order}`;
}

/**
 * Up to `limit` rows after the cursor. Sorted by readiness or delta: the learners with that
 * figure first, walked in the kept table's index order, then (only when the page is not full yet)
 * those without it by user id; each part one statement that stops at the page's end.
 */
async function keptFirst(
  sql: Queryable,
  q: DirectoryQuery,
  settings: StaticConfig,
  limit: number,
): Promise<PageRow[]> {
  if (q.sort !== "readiness" && q.sort !== "delta") return await pageRows(sql, q, settings, limit);
  const kept = q.cursor?.value === null ? [] : await pageRows(sql, q, settings, limit, "kept");
  if (kept.length >= limit) return kept;
  return [...kept, ...await pageRows(sql, q, settings, limit - kept.length, "missing")];
}

/** One page of the directory, the number of learners matching the filters and the next cursor. */
export async function listDirectory(
  sql: Queryable,
  q: DirectoryQuery,
  settings: StaticConfig,
): Promise<DirectoryPage> {
  const limit = Math.max(1, Math.min(DIRECTORY_MAX_LIMIT, q.limit));
  const rows = await keptFirst(sql, q, settings, limit + 1).catch((error) => {
    // A cursor value the sort key's type refuses (a data exception, class 22) is a bad cursor.
    if (q.cursor && String((error as { code?: string }).code ?? "").startsWith("22")) {
      throw new CursorError("not a cursor from this endpoint");
    }
    throw error;
  });
  const [{ total }] = await sql<{ total: number }[]>`
    with ${matching(sql, q, settings, true)} select count(*)::int as total from m`;
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

/** Every matching row in the sort order, in chunks of `chunk` (a database cursor). */
export async function* streamDirectory(
  sql: Queryable,
  q: Omit<DirectoryQuery, "limit" | "cursor">,
  settings: StaticConfig,
  chunk = 500,
): AsyncGenerator<DirectoryRow[]> {
  for await (
    const rows of pageRows(sql, { ...q, limit: 0, cursor: null }, settings, null).cursor(chunk)
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
