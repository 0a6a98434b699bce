/**
 * user_skill_agg: each learner's average score per skill and configured window, recomputed
 * set-based for every learner in scope at once.
 */
import type { Queryable } from "../db/mod.ts";
import { type ReadinessConfig, readinessConfig, type WindowSpec } from "./config.ts";

export interface RefreshOptions {
  config?: ReadinessConfig;
  /** Evaluate the windows at this time instead of now(): later events are ignored. */
  asOf?: Date;
}

export interface RefreshResult {
  upserted: number;
  deleted: number;
}

/** The learners a statement touches: all, or `user_id = any(userIds)` (uses the per-learner indexes). */
function scope(tx: Queryable, alias: "e" | "a", userIds: string[] | undefined) {
  if (!userIds) return tx``;
  return alias === "e"
    ? tx`and e.user_id = any(${userIds}::uuid[])`
    : tx`and a.user_id = any(${userIds}::uuid[])`;
}

function upTo(tx: Queryable, asOf: Date | undefined) {
  return asOf ? tx`and e.ts <= ${asOf}` : tx``;
}

/** Windows as a relation `w(key, size)`. */
function windowTable(tx: Queryable, windows: WindowSpec[]) {
  return tx`unnest(${windows.map((w) => w.key)}::text[], ${windows.map((w) => w.size)}::int[])
    as w(key, size)`;
}

/**
 * `last_N_sessions` rows: per learner and skill, the answers of the last N sessions that touched
 * the skill (a session's place is the time of its first answer on that skill).
 */
function sessionWindowRows(
  tx: Queryable,
  windows: WindowSpec[],
  userIds: string[] | undefined,
  asOf: Date | undefined,
) {
  return tx`
    select r.user_id, r.skill_tag, w.key as window_key,
           round(sum(r.total) / sum(r.answers), 2) as avg_score, sum(r.total) as score_total,
           sum(r.answers)::int as sample_size, count(*)::int as session_count
    from (
      select p.*, row_number() over (
               partition by p.user_id, p.skill_tag order by p.first_ts desc, p.session_id desc) as rn
      from (
        select e.user_id, e.skill_tag, e.session_id, min(e.ts) as first_ts,
               sum(e.score) as total, count(*) as answers
        from analytics.session_events e
        where true ${scope(tx, "e", userIds)} ${upTo(tx, asOf)}
        group by e.user_id, e.skill_tag, e.session_id
      ) p
    ) r
    join ${windowTable(tx, windows)} on r.rn <= w.size
    group by r.user_id, r.skill_tag, w.key`;
}

/**
 * `Nd` rows: per learner and skill, the answers of the N × 24 hours before `asOf` (else now()).
 * Hours, not days: `interval '1 day'` follows the session's TimeZone across a DST change.
 */
function dayWindowRows(
  tx: Queryable,
  windows: WindowSpec[],
  userIds: string[] | undefined,
  asOf: Date | undefined,
) {
  const end = asOf ? tx`${asOf}::timestamptz` : tx`now()`;
  return tx`
    select e.user_id, e.skill_tag, w.key as window_key,
           round(avg(e.score), 2) as avg_score, sum(e.score) as score_total,
           count(*)::int as sample_size, count(distinct e.session_id)::int as session_count
    from analytics.session_events e
    join ${windowTable(tx, windows)} on e.ts > ${end} - make_interval(hours => 24 * w.size)
    where true ${scope(tx, "e", userIds)} ${upTo(tx, asOf)}
    group by e.user_id, e.skill_tag, w.key`;
}

/**
 * Recomputes user_skill_agg for `userIds` (all learners when omitted) and every configured window
 * (average score, answers, sessions, last_updated), and deletes the rows of those learners that no
 * longer have a value (no answers left in the window, or a window no longer configured).
 * One statement: one set-based query per window kind feeds a single upsert and a single delete.
 */
export async function refreshSkillAggregates(
  tx: Queryable,
  userIds?: string[],
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  if (userIds && userIds.length === 0) return { upserted: 0, deleted: 0 };
  const config = options.config ?? readinessConfig;
  const byKind = (kind: WindowSpec["kind"]) => config.windows.filter((w) => w.kind === kind);
  const parts = [
    byKind("sessions").length
      ? sessionWindowRows(tx, byKind("sessions"), userIds, options.asOf)
      : null,
    byKind("days").length ? dayWindowRows(tx, byKind("days"), userIds, options.asOf) : null,
  ].filter((p) => p !== null);
  const fresh = parts.length === 2 ? tx`${parts[0]} union all ${parts[1]}` : parts[0];
  const [result] = await tx<RefreshResult[]>`
    with fresh as (${fresh}),
    upserted as (
      insert into analytics.user_skill_agg as a
        (user_id, skill_tag, window_key, avg_score, score_total, sample_size, session_count,
         last_updated)
      select user_id, skill_tag, window_key, avg_score, score_total, sample_size, session_count,
             now()
      from fresh
      on conflict (user_id, skill_tag, window_key) do update set
        avg_score = excluded.avg_score,
        score_total = excluded.score_total,
        sample_size = excluded.sample_size,
        session_count = excluded.session_count,
        last_updated = excluded.last_updated
      -- Unchanged figures are not rewritten: most learners' rows do not move between recomputes.
      where (a.score_total, a.sample_size, a.session_count)
        is distinct from (excluded.score_total, excluded.sample_size, excluded.session_count)
      returning 1
    ),
    deleted as (
      delete from analytics.user_skill_agg a
      where true ${scope(tx, "a", userIds)}
        and not exists (
          select 1 from fresh f
          where f.user_id = a.user_id and f.skill_tag = a.skill_tag and f.window_key = a.window_key)
      returning 1
    )
    select (select count(*) from upserted)::int as upserted,
           (select count(*) from deleted)::int as deleted`;
  return result;
}

export interface SkillAggregate {
  skill_tag: string;
  window_key: string;
  avg_score: number;
  sample_size: number;
  session_count: number;
  /** ISO time the figures last changed (a refresh that finds the same figures leaves the row). */
  last_updated: string;
}

/** A learner's stored aggregates (optionally of one skill or one window), by skill and window. */
export async function skillAggregates(
  sql: Queryable,
  userId: string,
  options: { skillTag?: string; windowKey?: string } = {},
): Promise<SkillAggregate[]> {
  const rows = await sql<(Omit<SkillAggregate, "last_updated"> & { last_updated: Date })[]>`
    select skill_tag, window_key, avg_score, sample_size, session_count, last_updated
    from analytics.user_skill_agg
    where user_id = ${userId}
      ${options.skillTag ? sql`and skill_tag = ${options.skillTag}` : sql``}
      ${options.windowKey ? sql`and window_key = ${options.windowKey}` : sql``}
    order by skill_tag, window_key`;
  return rows.map((r) => ({ ...r, last_updated: r.last_updated.toISOString() }));
}
