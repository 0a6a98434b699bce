/**
 * Needs attention: the cohort's learners who, as of `to`, have stalled, are declining or have a
 * skill persistently low, each reason with its evidence; ordered by number of reasons, then lowest
 * readiness, keyset paged. Thresholds from config/attention.json.
 */
import { z } from "zod";
import type postgres from "postgres";
import type { Queryable } from "../db/mod.ts";
import { type AttentionConfig } from "./attention_config.ts";
import { learnerLabel } from "../learners/label.ts";
import { isCitusOnce } from "../db/citus.ts";
import { type CohortFilters, echo, type FiltersEcho, inCohort, withWorkMem } from "./filters.ts";
import type { StaticConfig } from "../static_config.ts";
import { lowSkillRule, lowSkillsSql, ruleStamp } from "../sessions/activity.ts";

/** A piece of SQL to splice into a statement. */
type Fragment = postgres.PendingQuery<postgres.Row[]>;

export const DEFAULT_ATTENTION_LIMIT = 50;
export const MAX_ATTENTION_LIMIT = 200;

export type Reason =
  | {
    code: "stalled";
    last_answer_at: string;
    latest_overall: number | null;
    latest_band: string | null;
    latest_at: string | null;
  }
  | {
    code: "declining";
    latest_overall: number;
    latest_at: string;
    previous_max: number;
    drop: number;
  }
  | { code: "persistently_low"; skills: string[] };

export interface AttentionLearner {
  user_id: string;
  label: string;
  level: string | null;
  track: string | null;
  cohort: string | null;
  /** Latest overall with sufficient evidence as of `to`; null when unmeasured. */
  readiness: number | null;
  band: string | null;
  reasons: Reason[];
}

export interface Attention {
  filters: FiltersEcho;
  rules: AttentionConfig & { low_skill: { threshold: number; sessions: number } };
  learners: AttentionLearner[];
  next_cursor: string | null;
}

/** Where a page starts: after this (reasons, readiness sort key, user id). */
export interface AttentionCursor {
  reasons: number;
  /** The readiness sort key as exact decimal text; −1 for unmeasured (they sort first). */
  rank: string;
  user_id: string;
}

const cursorShape = z.tuple([
  z.number().int().min(0).max(3),
  z.string().regex(/^(-1|\d{1,3}(\.\d{1,2})?)$/),
  z.uuid(),
]);

/** The opaque cursor text of a position. */
export function encodeCursor(c: AttentionCursor): string {
  const json = JSON.stringify([c.reasons, c.rank, c.user_id]);
  return btoa(json).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The position of a cursor, or null when it is not one this API gave out. */
export function decodeCursor(text: string): AttentionCursor | null {
  try {
    const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
    const parsed = cursorShape.safeParse(JSON.parse(atob(b64)));
    if (!parsed.success) return null;
    const [reasons, rank, user_id] = parsed.data;
    return { reasons, rank, user_id };
  } catch {
    return null;
  }
}

/** One flagged learner as the statement returns it. */
export interface AttentionRow {
  user_id: string;
  display_name: string | null;
  level: string | null;
  track: string | null;
  cohort: string | null;
  reasons: number;
  rank: string;
  readiness: number | null;
  band: string | null;
  stalled: boolean;
  last_answer_at: string | null;
  latest_overall: number | null;
  latest_at: string | null;
  declining: boolean;
  scored_overall: number | null;
  scored_at: string | null;
  previous_max: number | null;
  drop: number | null;
  low_skills: string[] | null;
}

const iso = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The needs-attention rules as CTEs over the learners whose profile matches `who` as of `to`,
 * read from their kept rows (a learner with none has no reason). `kept_flags` (the learners
 * judged from their kept rows) and `slow_flags` (the others) hold one row per learner with
 * at least one reason: the reasons (`stalled`, `declining`, `low_skills`) with their evidence and
 * the latest snapshot before `to`. The one definition of the rules: the
 * attention list and the directory's `attention` filter both use it.
 *
 * A learner whose kept rows (learner_latest, learner_activity: rewritten with their snapshots and
 * answers) hold nothing at or after `to`, the activity judged by today's low-skill rule, is judged
 * from those rows alone, in one pass: they are then exactly the learner's state as of `to`. The
 * pass reads the copies of those rows' fields on the learner's directory row (learner_directory:
 * one narrow row per learner, rewritten with them), not the two kept tables joined. Every other
 * learner (a period ending before their latest evidence, or rows not judged yet) is judged from
 * their answers and snapshots, read by index for those learners only.
 */
export function attentionReasons(
  sql: Queryable,
  who: Omit<CohortFilters, "from" | "to">,
  to: Date,
  settings: StaticConfig,
  /**
   * On Citus the directory rows (`k`) are inlined where they are read, so that each reader runs
   * on the shards instead of every cohort learner's row going to the coordinator first; on one
   * server they are read once.
   */
  citus = false,
) {
  const cfg = settings.attention;
  const rule = lowSkillRule(settings);
  const quietSince = new Date(to.getTime() - cfg.stalled_days * 24 * 60 * 60 * 1000);
  const slow = sql`any(array(select user_id from slow))`;
  const points = sql`${String(cfg.declining_points)}::numeric`;
  const below = sql`${String(cfg.stalled_below)}::numeric`;
  // The highest of the kept overalls 2 … 1 + lookback (newest first; missing ones are null).
  const previousMax = sql.unsafe(
    `greatest(${
      Array.from({ length: cfg.declining_lookback }, (_, i) => `d.scored[${i + 2}]`).join(", ")
    })`,
  );
  return sql`
    -- Each learner's kept state, the reasons already worked out from it in this one pass: only
    -- narrow columns are kept for the two readers below.
    k as ${citus ? sql`not materialized` : sql``} (
      select d.user_id, d.last_answer_at, d.latest_at as ts, d.readiness, d.band, d.sufficient,
             d.scored_at,
             coalesce(d.last_answer_at < ${quietSince}, false)
               and (d.latest_at is null or d.readiness is null or not d.sufficient
                    or d.readiness < ${below}) as stalled,
             coalesce(${previousMax} - d.scored[1] >= ${points}, false) as declining,
             d.scored[1] as scored_overall, ${previousMax} as previous_max,
             nullif(d.low_skills, '{}') as low_skills,
             (d.last_answer_at is null
                or (d.last_answer_at < ${to} and d.low_rule = ${ruleStamp(rule)}))
               and (d.latest_at is null or d.latest_at < ${to}) as fast
      -- The learners' directory rows alone: one per learner, carrying the profile and copies of
      -- the rules' inputs from their activity row (no answers: none) and latest-snapshot row (no
      -- snapshot: none); a learner with neither has no reason.
      from analytics.learner_directory d
      where ${inCohort(sql, who, "d")}
    ),
    kept as (
      -- The reasons of the learners judged from their kept rows.
      select k.user_id, k.stalled, k.last_answer_at, k.declining, k.scored_overall, k.scored_at,
             k.previous_max, k.low_skills, k.ts, k.readiness as overall, k.band,
             (k.readiness is not null and k.sufficient) as sufficient
      from k where k.fast
    ),
    slow as (select user_id from k where not fast),
    last_answer as (
      select e.user_id, max(e.ts) as at from analytics.session_events e
      where e.user_id = ${slow} and e.ts < ${to}
      group by e.user_id
    ),
    snaps as (
      select r.user_id, r.id, r.ts, r.readiness_overall as overall, r.band,
             (r.readiness_overall is not null
              and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true)) as sufficient,
             row_number() over (partition by r.user_id order by r.ts desc, r.id desc) as rn
      from analytics.user_readiness r
      where r.user_id = ${slow} and r.ts < ${to}
    ),
    latest as (select * from snaps where rn = 1),
    scored as (
      -- Every snapshot with an overall counts towards declining, whatever its evidence.
      select user_id, ts, overall,
             row_number() over (partition by user_id order by ts desc, id desc) as rn
      from snaps where overall is not null
    ),
    declining as (
      select user_id, max(overall) filter (where rn = 1) as latest_overall,
             max(ts) filter (where rn = 1) as latest_at,
             max(overall) filter (where rn > 1) as previous_max
      from scored where rn <= ${1 + cfg.declining_lookback}
      group by user_id
      having max(overall) filter (where rn > 1) - max(overall) filter (where rn = 1) >= ${points}
    ),
    stalled as (
      select a.user_id, a.at from last_answer a
      left join latest l on l.user_id = a.user_id
      where a.at < ${quietSince}
        and (l.user_id is null or not l.sufficient or l.overall < ${below})
    ),
    low as (
      select user_id, array_agg(skill_tag order by skill_tag) as skills
      from (${lowSkillsSql(sql, sql`array(select user_id from slow)`, rule, to)}) x
      group by user_id
    ),
    kept_flags as (
      select user_id, stalled, case when stalled then last_answer_at end as last_answer_at,
             declining,
             case when declining then scored_overall end as scored_overall,
             case when declining then scored_at end as scored_at,
             case when declining then previous_max end as previous_max,
             low_skills, ts, overall, band, sufficient
      from kept
      where stalled or declining or low_skills is not null
    ),
    slow_flags as (
      select slow.user_id, s.user_id is not null as stalled, s.at as last_answer_at,
             d.user_id is not null as declining, d.latest_overall as scored_overall,
             d.latest_at as scored_at, d.previous_max, lo.skills as low_skills, lt.ts, lt.overall,
             lt.band, lt.sufficient
      from slow
      left join stalled s on s.user_id = slow.user_id
      left join declining d on d.user_id = slow.user_id
      left join low lo on lo.user_id = slow.user_id
      left join latest lt on lt.user_id = slow.user_id
      where s.user_id is not null or d.user_id is not null or lo.user_id is not null
    )`;
}

/** `select user_id …`: the learners whose profile matches `who` with a reason as of `to`. */
export function flaggedLearners(
  sql: Queryable,
  who: Omit<CohortFilters, "from" | "to">,
  to: Date,
  settings: StaticConfig,
  citus = false,
) {
  return sql`with ${attentionReasons(sql, who, to, settings, citus)}
    select user_id from kept_flags union all select user_id from slow_flags`;
}

/**
 * The statement: every flagged learner of the cohort as of `to`, in order, after `cursor`;
 * `limit` rows (all when undefined: the CSV export streams them).
 */
export function attentionSql(
  sql: Queryable,
  f: CohortFilters,
  settings: StaticConfig,
  options: { cursor?: AttentionCursor | null; limit?: number; citus?: boolean } = {},
) {
  const after = options.cursor
    ? sql`and (-fl.reasons, fl.rank, fl.user_id)
              > (${-options.cursor.reasons}::int, ${options.cursor.rank}::numeric,
                 ${options.cursor.user_id}::uuid)`
    : sql``;
  const limit = options.limit === undefined ? sql`` : sql`limit ${options.limit}`;
  // The order and the page from the flags alone; the profile columns for the page's rows only.
  // The page of the learners judged from their kept rows is taken on its own first (on Citus each
  // shard sends its first `limit` rows, not every flagged learner), then merged with the others.
  const ranked = (from: string) =>
    sql.unsafe(`
      select x.*,
             (x.stalled::int + x.declining::int + (x.low_skills is not null)::int) as reasons,
             coalesce(case when x.sufficient then x.overall end, -1) as rank
      from ${from} x`);
  return sql<AttentionRow[]>`
    with ${attentionReasons(sql, f, f.to, settings, options.citus)},
    kept_page as (
      select fl.* from (${ranked("kept_flags")}) fl
      where true ${after}
      order by fl.reasons desc, fl.rank, fl.user_id
      ${limit}
    ),
    page as (
      select fl.* from (
        select * from kept_page
        union all
        select fl.* from (${ranked("slow_flags")}) fl where true ${after}
      ) fl
      order by fl.reasons desc, fl.rank, fl.user_id
      ${limit}
    )
    select fl.user_id, l.display_name, l.level, l.track, l.cohort, fl.reasons,
           fl.rank::text as rank, case when fl.sufficient then fl.overall end as readiness,
           fl.band, fl.stalled, ${sql.unsafe(iso("fl.last_answer_at"))} as last_answer_at,
           fl.overall as latest_overall, ${sql.unsafe(iso("fl.ts"))} as latest_at, fl.declining,
           fl.scored_overall, ${sql.unsafe(iso("fl.scored_at"))} as scored_at, fl.previous_max,
           fl.previous_max - fl.scored_overall as drop, fl.low_skills
    from page fl
    join analytics.learners l on l.user_id = fl.user_id
    order by fl.reasons desc, fl.rank, fl.user_id`;
}

/** A statement row as the API shows it: the reasons with their evidence. */
export function attentionLearner(
  row: AttentionRow,
  skillTags: readonly string[],
): AttentionLearner {
  const reasons: Reason[] = [];
  if (row.stalled) {
    reasons.push({
      code: "stalled",
      last_answer_at: row.last_answer_at!,
      latest_overall: row.latest_overall,
      latest_band: row.band,
      latest_at: row.latest_at,
    });
  }
  if (row.declining) {
    reasons.push({
      code: "declining",
      latest_overall: row.scored_overall!,
      latest_at: row.scored_at!,
      previous_max: row.previous_max!,
      drop: row.drop!,
    });
  }
  if (row.low_skills) {
    const order = skillTags;
    reasons.push({
      code: "persistently_low",
      skills: [...row.low_skills].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    });
  }
  return {
    user_id: row.user_id,
    label: learnerLabel(row),
    level: row.level,
    track: row.track,
    cohort: row.cohort,
    readiness: row.readiness,
    band: row.band,
    reasons,
  };
}

/** The cursor after a row. */
export function cursorAfter(row: AttentionRow): string {
  return encodeCursor({ reasons: row.reasons, rank: row.rank, user_id: row.user_id });
}

/** One page of learners needing attention (`limit` ≤ 200, default 50), after `cursor`. */
export async function cohortAttention(
  sql: Queryable,
  f: CohortFilters,
  settings: StaticConfig,
  /** `citus`: the statement's Citus shape (default: whether the database is Citus). */
  options: { cursor?: AttentionCursor | null; limit?: number; citus?: boolean } = {},
): Promise<Attention> {
  const limit = Math.min(options.limit ?? DEFAULT_ATTENTION_LIMIT, MAX_ATTENTION_LIMIT);
  const citus = options.citus ?? await isCitusOnce(sql);
  const rows = await withWorkMem(
    sql,
    (tx) => attentionSql(tx, f, settings, { cursor: options.cursor, limit: limit + 1, citus }),
  );
  const page = rows.slice(0, limit);
  const { threshold, sessions } = settings.readiness.low_skill;
  return {
    filters: echo(f),
    rules: { ...settings.attention, low_skill: { threshold, sessions } },
    learners: page.map((row) => attentionLearner(row, settings.catalog.skillTags)),
    next_cursor: rows.length > limit ? cursorAfter(page[page.length - 1]) : null,
  };
}

/** Columns of the attention CSV: one row per learner, reasons joined by "; ". */
export const ATTENTION_CSV_HEADER = [
  "user_id",
  "label",
  "level",
  "track",
  "cohort",
  "readiness",
  "band",
  "reasons",
  "last_answer_at",
  "latest_overall",
  "previous_max",
  "drop",
  "low_skills",
];

/** One attention CSV row. */
export function attentionCsvRow(
  row: AttentionRow,
  skillTags: readonly string[],
): (string | number | null)[] {
  const l = attentionLearner(row, skillTags);
  return [
    l.user_id,
    l.label,
    l.level,
    l.track,
    l.cohort,
    l.readiness,
    l.band,
    l.reasons.map((r) => r.code).join("; "),
    row.stalled ? row.last_answer_at : null,
    row.declining ? row.scored_overall : null,
    row.previous_max,
    row.drop,
    (l.reasons.find((r) => r.code === "persistently_low") as { skills?: string[] } | undefined)
      ?.skills?.join("; ") ?? null,
  ];
}

/**
 * Every flagged learner from `cursor` on (no page limit) as CSV rows, read through a database
 * cursor in batches of 500: the export streams, whatever the cohort's size.
 */
export async function* attentionCsvRows(
  sql: Queryable,
  f: CohortFilters,
  settings: StaticConfig,
  cursor: AttentionCursor | null = null,
): AsyncGenerator<(string | number | null)[]> {
  const citus = await isCitusOnce(sql);
  for await (const batch of attentionSql(sql, f, settings, { cursor, citus }).cursor(500)) {
    for (const row of batch) yield attentionCsvRow(row, settings.catalog.skillTags);
  }
}
