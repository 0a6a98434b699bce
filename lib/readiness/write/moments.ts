/**
 * The moments readiness is computed at (latest evidence, a fixed time, one session, every session)
 * and the readiness window's figures as of each, scored into the rows to write.
 */
import type postgres from "postgres";
import type { Queryable } from "../../db/mod.ts";
import { type ReadinessConfig, windowSpec } from "../config.ts";
import { Exact } from "../exact.ts";
import { round2, scoreReadiness, type SkillAverage } from "../formula.ts";
import { skillSessions } from "../sql.ts";

/** One moment to compute readiness at: a learner, the as-of time, and the session that dates it. */
export interface Moment {
  user_id: string;
  /** The as-of time as Postgres prints it (microseconds kept). */
  t: string;
  session_id: string | null;
}

/** Which moments to compute readiness at. */
export type AsOfSpec =
  /** Each learner's latest evidence (last answer or completion, whichever is later). */
  | { kind: "latest" }
  /** The same time for every learner. */
  | { kind: "fixed"; at: Date }
  /** One session's time (completion, else its last answer); the learner is the session's. */
  | { kind: "session"; sessionId: string }
  /** Every session of each learner, in time order (rebuild). */
  | { kind: "every_session" }
  /** Given moments (a learner and a time each, e.g. interview outcomes); duplicates count once. */
  | { kind: "moments"; moments: readonly { user_id: string; t: string }[] };

/** A moment with one skill's figures of the readiness window (no skill: no evidence in it). */
type Row = Moment & {
  skill_tag: string | null;
  score_total: string | null;
  sample_size: number;
  session_count: number;
};

/** work_mem of a batch's transaction (sorts and hashes of one batch of learners). */
const BATCH_WORK_MEM = "64MB";

/**
 * The settings of a transaction that works on a batch of learners, as `set_config` calls for a
 * select list (local to the transaction). Sorting a batch's answers fits in memory instead of
 * spilling to disk. A plan for the batch's own learners on every execution: from the sixth
 * execution of a prepared statement on a connection Postgres may switch to a generic plan, which
 * cannot see how many learners the id list holds, and picks scans that compare every learner with
 * every row. No parallel workers: starting them costs more than a batch's statements take. No hash
 * aggregates: a batch's answers come in learner order from the index, which sorted grouping uses
 * as it goes (a fifth faster than hashing them and sorting again, which the planner picks when it
 * expects the right number of rows).
 */
export function batchPlanning(tx: Queryable) {
  return tx`set_config('work_mem', ${BATCH_WORK_MEM}, true),
    set_config('plan_cache_mode', 'force_custom_plan', true),
    set_config('max_parallel_workers_per_gather', '0', true),
    set_config('enable_hashagg', 'off', true)`;
}

/**
 * `alias.user_id` is one of `userIds`: one index descent per learner, and an estimate of the rows
 * the planner can trust (the ids' count times the rows per learner). Not also their id range: the
 * planner would multiply the two conditions' selectivities as if independent, expect about one
 * row for a batch of hundreds of learners, and pick nested loops that re-read the batch's answers
 * once per learner. Batches are planned for their own id list (`batchPlanning`).
 */
export function inBatch(
  tx: Queryable,
  alias: "e" | "l" | "s" | "r" | "p" | "k" | "a",
  userIds: string[],
) {
  return tx`${tx.unsafe(`${alias}.user_id`)} = any(${userIds}::uuid[])`;
}

/**
 * `alias.user_id` inside the id range of `userIds` only: for the inner side of a join that already
 * matches one learner per row, where the ids as an array would be re-read at every probe.
 */
export function inRange(tx: Queryable, alias: "p" | "r" | "a" | "e", userIds: string[]) {
  const column = tx.unsafe(`${alias}.user_id`);
  if (userIds.length === 0) return tx`false`;
  const sorted = userIds.map((id) => id.toLowerCase()).sort();
  return tx`${column} between ${sorted[0]}::uuid and ${sorted[sorted.length - 1]}::uuid`;
}

/** Up to this many learners, the probed side of a join names them one by one. */
const FEW_LEARNERS = 8;

/**
 * `alias.user_id` for the inner (probed) side of a join that already matches one learner per row:
 * a few learners (one learner's work) by their ids, so Citus routes the scan to their shards; a
 * batch by its id range only, because PostgreSQL 15 re-reads an id array at every probe.
 */
export function probedIn(tx: Queryable, alias: "p" | "r" | "a" | "e", userIds: string[]) {
  return userIds.length <= FEW_LEARNERS
    ? tx`${tx.unsafe(`${alias}.user_id`)} = any(${userIds}::uuid[])`
    : inRange(tx, alias, userIds);
}

/** The relation `moments(user_id, t, session_id)` for `userIds` under `spec`. */
export function momentsOf(tx: Queryable, userIds: string[], spec: AsOfSpec) {
  // A session's time: its completion, else its last answer.
  const sessionTimes = tx`
    select s.user_id, s.session_id, coalesce(s.completed_at, max(e.ts)) as t
    from analytics.sessions s
    join analytics.session_events e on e.user_id = s.user_id and e.session_id = s.session_id
    where ${inBatch(tx, "s", userIds)} and ${inBatch(tx, "e", userIds)}
    group by s.user_id, s.session_id, s.completed_at`;
  switch (spec.kind) {
    case "fixed":
      return tx`
        select l.user_id, ${spec.at}::timestamptz as t, null::uuid as session_id
        from analytics.learners l where ${inBatch(tx, "l", userIds)}`;
    case "session":
      return tx`
        select st.user_id, st.t, st.session_id from (${sessionTimes}) st
        where st.session_id = ${spec.sessionId}`;
    case "every_session":
      // Two sessions at the same moment have the same evidence: one snapshot, dated once.
      return tx`
        select distinct on (st.user_id, st.t) st.user_id, st.t, st.session_id
        from (${sessionTimes}) st
        order by st.user_id, st.t, st.session_id desc`;
    case "moments":
      return tx`
        select distinct m.user_id, m.t, null::uuid as session_id
        from jsonb_to_recordset(${tx.json(spec.moments as unknown as postgres.JSONValue)}::jsonb)
          as m(user_id uuid, t timestamptz)
        where m.user_id = any(${userIds}::uuid[])`;
    case "latest":
      // No evidence yet: the learner's snapshot is dated when the learner was first seen.
      // One pass over the batch's learner, answer and session rows, grouped per learner: no join,
      // so no plan depends on how many of them the planner expects (it cannot tell from an id list
      // and its range, and a nested loop over a batch it expects to be one learner re-reads every
      // answer of the batch once per learner).
      return tx`
        select u.user_id,
               coalesce(greatest(max(u.answer_at), max(u.completed_at)), max(u.created_at)) as t,
               null::uuid as session_id
        from (
          select l.user_id, null::timestamptz as answer_at, null::timestamptz as completed_at,
                 l.created_at
          from analytics.learners l where ${inBatch(tx, "l", userIds)}
          union all
          select e.user_id, max(e.ts), null, null
          from analytics.session_events e where ${inBatch(tx, "e", userIds)}
          group by e.user_id
          union all
          select s.user_id, null, max(s.completed_at), null
          from analytics.sessions s where ${inBatch(tx, "s", userIds)}
          group by s.user_id
        ) u
        group by u.user_id
        having count(u.created_at) > 0`;
  }
}

/**
 * Per moment and skill, the readiness window's exact figures as of that moment: answers at or
 * before it, the last N sessions that touched the skill (or the N × 24 h before it).
 */
export async function windowAsOf(
  tx: Queryable,
  moments: ReturnType<typeof momentsOf>,
  config: ReadinessConfig,
  /**
   * True when the learners' stored aggregates were just refreshed and the readiness window's are
   * its figures as of every moment (latest evidence, a last-N-sessions window): then those are
   * read with the moments, not computed from the answers again.
   */
  current: boolean,
  /** The learners of the moments: every statement names them (one shard each on Citus). */
  userIds: string[],
): Promise<Map<string, { moment: Moment; skills: SkillAverage[] }>> {
  const window = windowSpec(config, config.readiness_window);
  const dayBound = window.kind === "days"
    ? tx`and e.ts > m.t - make_interval(hours => 24 * ${window.size})`
    : tx``;
  const sessionBound = window.kind === "sessions" ? tx`where rn <= ${window.size}` : tx``;
  // As of the latest evidence, a last-N-sessions window is what was just computed from the
  // answers and stored (exact sums): no second pass over the answers.
  const rows: Row[] = current
    ? await tx<Row[]>`
    -- Not materialized: on Citus the moments and the stored figures then join on each shard.
    with m as (${moments})
    select m.user_id, to_json(m.t) #>> '{}' as t, m.session_id, a.skill_tag,
           a.score_total::text as score_total, coalesce(a.sample_size, 0) as sample_size,
           coalesce(a.session_count, 0) as session_count
    from m
    left join analytics.user_skill_agg a
      on a.user_id = m.user_id and a.window_key = ${window.key}
     and ${probedIn(tx, "a", userIds)}
    where m.t is not null
    order by m.user_id, m.t, a.skill_tag`
    : await tx<Row[]>`
    with m as materialized (${moments}),
    ranked as (${
      skillSessions(tx, {
        where: tx`e.user_id = any(${userIds}::uuid[]) ${dayBound}`,
        perMoment: true,
        average: false,
      })
    }),
    skills as (
      select user_id, t, skill_tag, sum(total)::text as score_total,
             sum(answers)::int as sample_size, count(*)::int as session_count
      from ranked ${sessionBound}
      group by user_id, t, skill_tag
    )
    select m.user_id, to_json(m.t) #>> '{}' as t, m.session_id, k.skill_tag, k.score_total,
           coalesce(k.sample_size, 0) as sample_size, coalesce(k.session_count, 0) as session_count
    from m left join skills k on k.user_id = m.user_id and k.t = m.t
    where m.t is not null`;
  const out = new Map<string, { moment: Moment; skills: SkillAverage[] }>();
  for (const r of rows) {
    const key = `${r.user_id} ${r.t}`;
    let entry = out.get(key);
    if (!entry) {
      entry = { moment: { user_id: r.user_id, t: r.t, session_id: r.session_id }, skills: [] };
      out.set(key, entry);
    }
    if (r.skill_tag !== null && r.score_total !== null) {
      entry.skills.push({
        skill_tag: r.skill_tag,
        avg_score: round2(Exact.ratio(r.score_total, r.sample_size)),
        score_total: r.score_total,
        sample_size: r.sample_size,
        session_count: r.session_count,
      });
    }
  }
  return out;
}

/** Scores every moment; the rows to write, as `jsonb_to_recordset` input. */
export function scoreMoments(
  moments: Map<string, { moment: Moment; skills: SkillAverage[] }>,
  config: ReadinessConfig,
  trigger: string,
) {
  return [...moments.values()].map(({ moment, skills }) => {
    const score = scoreReadiness(skills, config, {
      trigger,
      asOf: new Date(moment.t),
      sessionId: moment.session_id ?? undefined,
    });
    // meta.as_of keeps the exact moment (Date keeps milliseconds only).
    score.meta.as_of = moment.t;
    return {
      user_id: moment.user_id,
      ts: moment.t,
      overall: score.overall,
      ...score.components,
      band: score.band,
      meta: score.meta,
    };
  });
}
