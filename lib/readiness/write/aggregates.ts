/**
 * user_skill_agg: each learner's average score per skill and configured window, recomputed
 * set-based for every learner in scope at once.
 */
import type { Queryable } from "../../db/mod.ts";
import { type ReadinessConfig, type WindowSpec } from "../config.ts";
import { skillSessions } from "../sql.ts";

export interface RefreshOptions {
  /** The windows (config/readiness.json). */
  config: ReadinessConfig;
  /** Evaluate the windows at this time instead of now(): later events are ignored. */
  asOf?: Date;
  /**
   * Also return the fresh rows of this window (`figures`), from the same statement: a caller that
   * scores them needs no second pass over the answers or the stored rows.
   */
  figuresOf?: string;
}

/** One learner's figures for one skill in one window, exact (`score_total` as numeric text). */
export interface WindowFigures {
  user_id: string;
  skill_tag: string;
  score_total: string;
  sample_size: number;
  session_count: number;
}

interface Counts {
  upserted: number;
  deleted: number;
}

export interface RefreshResult {
  upserted: number;
  deleted: number;
  /** With `figuresOf`: that window's fresh rows of every learner refreshed. */
  figures?: WindowFigures[];
}

/** The learners a statement touches: all, or `user_id = any(userIds)` (uses the per-learner indexes). */
function scope(tx: Queryable, alias: "e" | "a", userIds: string[] | undefined) {
  if (!userIds) return tx``;
  // The id range too: a batch of consecutive learners is then one index range, not a filter
  // applied to every row of the table.
  const sorted = userIds.map((id) => id.toLowerCase()).sort();
  const [lo, hi] = [sorted[0], sorted[sorted.length - 1]];
  return alias === "e"
    ? tx`and e.user_id = any(${userIds}::uuid[]) and e.user_id between ${lo} and ${hi}`
    : tx`and a.user_id = any(${userIds}::uuid[]) and a.user_id between ${lo} and ${hi}`;
}

function upTo(tx: Queryable, asOf: Date | undefined) {
  return asOf ? tx`and e.ts <= ${asOf}` : tx``;
}

/** Joins fragments with commas. */
function list(tx: Queryable, parts: ReturnType<Queryable["unsafe"]>[]) {
  return parts.slice(1).reduce((acc, part) => tx`${acc}, ${part}`, parts[0]);
}

/**
 * Every configured window's rows in one pass over the answers: per learner, skill and session the
 * sums (overall and inside each day window), then per learner and skill the sums over the last N
 * sessions (by the time of the session's first answer on the skill) and over each day window
 * (N × 24 h before `asOf`, else now()). Exact sums are kept (`score_total`).
 */
function windowRows(
  tx: Queryable,
  windows: WindowSpec[],
  userIds: string[] | undefined,
  asOf: Date | undefined,
) {
  const end = asOf ? tx`${asOf}::timestamptz` : tx`now()`;
  // Generated aliases (d0, d1, ...): from the window's position, never from input.
  const alias = (prefix: string, i: number) => tx.unsafe(`${prefix}${i}`);
  const days = windows.map((w, i) => ({ w, i })).filter(({ w }) => w.kind === "days");
  const perSessionDays = days.flatMap(({ w, i }) => {
    const inside = tx`e.ts > ${end} - make_interval(hours => ${24 * w.size})`;
    return [
      tx`sum(e.score) filter (where ${inside}) as ${alias("dt", i)}`,
      tx`count(*) filter (where ${inside}) as ${alias("da", i)}`,
    ];
  });
  const perSkill = windows.flatMap((w, i) =>
    w.kind === "sessions"
      ? [
        tx`sum(total) filter (where rn <= ${w.size}) as ${alias("t", i)}`,
        tx`sum(answers) filter (where rn <= ${w.size}) as ${alias("a", i)}`,
        tx`count(*) filter (where rn <= ${w.size}) as ${alias("c", i)}`,
      ]
      : [
        tx`sum(${alias("dt", i)}) as ${alias("t", i)}`,
        tx`sum(${alias("da", i)}) as ${alias("a", i)}`,
        tx`count(*) filter (where ${alias("da", i)} > 0) as ${alias("c", i)}`,
      ]
  );
  const unpivot = list(
    tx,
    windows.map((w, i) =>
      tx`(${w.key}::text, ${alias("t", i)}, ${alias("a", i)}, ${alias("c", i)})`
    ),
  );
  return tx`
    select k.user_id, k.skill_tag, w.key as window_key,
           round(w.total / w.answers, 2) as avg_score, w.total as score_total,
           w.answers::int as sample_size, w.sessions::int as session_count
    from (
      select user_id, skill_tag, ${list(tx, perSkill)}
      from (${
    skillSessions(tx, {
      where: tx`true ${scope(tx, "e", userIds)} ${upTo(tx, asOf)}`,
      columns: perSessionDays,
    })
  }) r
      group by user_id, skill_tag
    ) k
    cross join lateral (values ${unpivot}) as w(key, total, answers, sessions)
    where w.answers > 0`;
}

/**
 * Recomputes user_skill_agg for `userIds` (all learners when omitted) and every configured window
 * (average score, answers, sessions, last_updated), and deletes the rows of those learners that no
 * longer have a value (no answers left in the window, or a window no longer configured).
 * One statement: one set-based query of every window feeds an insert of the new rows, an update of
 * the changed ones and a delete of those without a value. The caller holds the learners' locks
 * (`lockLearners`): no other writer adds their rows meanwhile.
 */
export async function refreshSkillAggregates(
  tx: Queryable,
  userIds: string[] | undefined,
  options: RefreshOptions,
): Promise<RefreshResult> {
  if (userIds && userIds.length === 0) return { upserted: 0, deleted: 0 };
  const config = options.config;
  const fresh = windowRows(tx, config.windows, userIds, options.asOf);
  // With `figuresOf`, that window's fresh rows as the statement's rows, next to the counts (plain
  // columns: no JSON built on the server and parsed again here).
  const tail = options.figuresOf === undefined ? tx`select upserted, deleted from counts` : tx`
    select c.upserted, c.deleted, f.user_id, f.skill_tag, f.score_total::text as score_total,
           f.sample_size, f.session_count
    from counts c left join fresh f on f.window_key = ${options.figuresOf}`;
  const rows = await tx<(Counts & Partial<WindowFigures>)[]>`
    with fresh as materialized (${fresh}),
    existing as materialized (
      select a.user_id, a.skill_tag, a.window_key, a.score_total, a.sample_size, a.session_count
      from analytics.user_skill_agg a
      where true ${scope(tx, "a", userIds)}
    ),
    -- One comparison of fresh and stored rows: unchanged figures are not touched at all (most
    -- learners' rows do not move between recomputes), new ones are inserted, changed ones
    -- updated, rows without a value any more are deleted.
    diff as materialized (
      select f.*, f.user_id is null as gone,
             x.user_id as x_user, x.skill_tag as x_skill, x.window_key as x_window
      from fresh f
      full join existing x
        on x.user_id = f.user_id and x.skill_tag = f.skill_tag and x.window_key = f.window_key
      where f.user_id is null or x.user_id is null
         or (x.score_total, x.sample_size, x.session_count)
            is distinct from (f.score_total, f.sample_size, f.session_count)
    ),
    -- New rows with a plain insert: the caller holds the learners' locks (lockLearners), so no
    -- other writer adds them meanwhile, and an insert without ON CONFLICT skips the speculative
    -- insertion (an index probe and an extra WAL record a row: about half the cost of writing a
    -- first recompute's rows). The unique key still refuses a duplicate.
    inserted as (
      insert into analytics.user_skill_agg
        (user_id, skill_tag, window_key, avg_score, score_total, sample_size, session_count,
         last_updated)
      select user_id, skill_tag, window_key, avg_score, score_total, sample_size, session_count,
             now()
      from diff where not gone and x_user is null
      returning 1
    ),
    updated as (
      update analytics.user_skill_agg a set
        avg_score = d.avg_score,
        score_total = d.score_total,
        sample_size = d.sample_size,
        session_count = d.session_count,
        last_updated = now()
      from diff d
      where not d.gone and d.x_user is not null
        and a.user_id = d.x_user and a.skill_tag = d.x_skill and a.window_key = d.x_window
        ${scope(tx, "a", userIds)}
        and (a.score_total, a.sample_size, a.session_count)
          is distinct from (d.score_total, d.sample_size, d.session_count)
      returning 1
    ),
    deleted as (
      delete from analytics.user_skill_agg a
      using diff d
      where d.gone and a.user_id = d.x_user and a.skill_tag = d.x_skill
        and a.window_key = d.x_window ${scope(tx, "a", userIds)}
      returning 1
    ),
    counts as (
      select ((select count(*) from inserted) + (select count(*) from updated))::int as upserted,
             (select count(*) from deleted)::int as deleted
    )
    ${tail}`;
  const [{ upserted, deleted }] = rows;
  if (options.figuresOf === undefined) return { upserted, deleted };
  const figures = rows.flatMap((r): WindowFigures[] =>
    r.user_id === undefined || r.user_id === null ? [] : [{
      user_id: r.user_id,
      skill_tag: r.skill_tag!,
      score_total: r.score_total!,
      sample_size: r.sample_size!,
      session_count: r.session_count!,
    }]
  );
  return { upserted, deleted, figures };
}
