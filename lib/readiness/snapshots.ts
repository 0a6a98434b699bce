/** user_readiness: computing, writing and reading readiness snapshots. */
import type postgres from "postgres";
import type { Queryable, Sql } from "../db/mod.ts";
import { refreshSkillAggregates } from "./aggregates.ts";
import {
  type Component,
  COMPONENTS,
  type ReadinessConfig,
  readinessConfig,
  windowSpec,
} from "./config.ts";
import { Exact } from "./exact.ts";
import { lockKeptRows, refreshReadinessReads } from "./readiness_reads.ts";
import {
  type Components,
  type ReadinessMeta,
  round2,
  scoreReadiness,
  type SkillAverage,
} from "./formula.ts";

export interface Snapshot {
  id: number;
  user_id: string;
  /** ISO time of the snapshot. */
  ts: string;
  overall: number | null;
  components: Components;
  band: string;
  formula_version: string;
  meta: ReadinessMeta;
}

/** A freshly written snapshot with its change against the learner's previous one. */
export interface ComputedReadiness extends Snapshot {
  previous_overall: number | null;
  /** overall − previous overall; null when either is missing. */
  delta: number | null;
}

export interface ComputeOptions {
  /** Why the snapshot was taken (e.g. session_complete, admin, recompute); stored in meta. */
  trigger?: string;
  config?: ReadinessConfig;
  /**
   * Compute as of this time (windows and snapshot time); default: each learner's latest evidence
   * (last answer or completion, whichever is later).
   */
  asOf?: Date;
}

/** Thrown for a user id that is not a known learner. */
export class UnknownLearnerError extends Error {
  override name = "UnknownLearnerError";
  constructor(readonly userId: string) {
    super(`unknown learner ${userId}`);
  }
}

type SnapshotRow = {
  id: number;
  user_id: string;
  ts: Date;
  readiness_overall: number | null;
  readiness_technical: number | null;
  readiness_communication: number | null;
  readiness_structure: number | null;
  readiness_behavioral: number | null;
  band: string;
  meta: ReadinessMeta;
};

/** Change of overall between two snapshots, or null. */
export function deltaOf(
  current: number | null,
  previous: number | null | undefined,
): number | null {
  return current === null || previous === null || previous === undefined
    ? null
    : Exact.of(current).minus(previous).round2();
}

function toSnapshot(row: SnapshotRow): Snapshot {
  return {
    id: row.id,
    user_id: row.user_id,
    ts: row.ts.toISOString(),
    overall: row.readiness_overall,
    components: Object.fromEntries(
      COMPONENTS.map((c) => [c, row[`readiness_${c}`]]),
    ) as Record<Component, number | null>,
    band: row.band,
    formula_version: row.meta.formula_version,
    meta: row.meta,
  };
}

/** One moment to compute readiness at: a learner, the as-of time, and the session that dates it. */
interface Moment {
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
  | { kind: "every_session" };

/** The relation `moments(user_id, t, session_id)` for `userIds` under `spec`. */
function momentsOf(tx: Queryable, userIds: string[], spec: AsOfSpec) {
  // A session's time: its completion, else its last answer.
  const sessionTimes = tx`
    select s.user_id, s.session_id, coalesce(s.completed_at, max(e.ts)) as t
    from analytics.sessions s
    join analytics.session_events e on e.user_id = s.user_id and e.session_id = s.session_id
    where s.user_id = any(${userIds}::uuid[])
    group by s.user_id, s.session_id, s.completed_at`;
  switch (spec.kind) {
    case "fixed":
      return tx`
        select l.user_id, ${spec.at}::timestamptz as t, null::uuid as session_id
        from analytics.learners l where l.user_id = any(${userIds}::uuid[])`;
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
    case "latest":
      // No evidence yet: the learner's snapshot is dated when the learner was first seen.
      return tx`
        select l.user_id,
               coalesce(greatest(ev.t, (select max(s.completed_at) from analytics.sessions s
                                        where s.user_id = l.user_id)), l.created_at) as t,
               null::uuid as session_id
        from analytics.learners l
        left join lateral (
          select max(e.ts) as t from analytics.session_events e where e.user_id = l.user_id
        ) ev on true
        where l.user_id = any(${userIds}::uuid[])`;
  }
}

/**
 * Per moment and skill, the readiness window's exact figures as of that moment: answers at or
 * before it, the last N sessions that touched the skill (or the N × 24 h before it).
 */
async function windowAsOf(
  tx: Queryable,
  moments: ReturnType<typeof momentsOf>,
  config: ReadinessConfig,
  fromAggregates: boolean,
  /** The learners, sorted (lower case). */
  ids: string[],
): Promise<Map<string, { moment: Moment; skills: SkillAverage[] }>> {
  const window = windowSpec(config, config.readiness_window);
  const dayBound = window.kind === "days"
    ? tx`and e.ts > m.t - make_interval(hours => 24 * ${window.size})`
    : tx``;
  const sessionBound = window.kind === "sessions" ? tx`where rn <= ${window.size}` : tx``;
  type Row = Moment & {
    skill_tag: string | null;
    score_total: string | null;
    sample_size: number;
    session_count: number;
  };
  // As of the latest evidence, a last-N-sessions window is what the current aggregates hold
  // (just refreshed, with exact sums): no second pass over the answers.
  const rows = fromAggregates
    ? await tx<Row[]>`
    with m as materialized (${moments})
    select m.user_id, to_json(m.t) #>> '{}' as t, m.session_id, a.skill_tag,
           a.score_total::text as score_total, coalesce(a.sample_size, 0) as sample_size,
           coalesce(a.session_count, 0) as session_count
    from m left join (
      -- The batch's rows through the (user_id, ...) key and its id range: never a scan of every
      -- learner's rows.
      select a.user_id, a.skill_tag, a.score_total, a.sample_size, a.session_count
      from analytics.user_skill_agg a
      where a.user_id = any(${ids}::uuid[]) and a.user_id between ${ids[0]} and ${ids.at(-1)!}
        and a.window_key = ${config.readiness_window}
    ) a on a.user_id = m.user_id
    where m.t is not null`
    : await tx<Row[]>`
    with m as materialized (${moments}),
    per_session as (
      select m.user_id, m.t, e.skill_tag, e.session_id, min(e.ts) as first_ts,
             sum(e.score) as total, count(*) as answers
      from m join analytics.session_events e
        on e.user_id = m.user_id and e.ts <= m.t ${dayBound}
      group by m.user_id, m.t, e.skill_tag, e.session_id
    ),
    ranked as (
      select p.*, row_number() over (
               partition by p.user_id, p.t, p.skill_tag
               order by p.first_ts desc, p.session_id desc) as rn
      from per_session p
    ),
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
function scoreMoments(
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

/** work_mem of a recompute transaction (sorts and hashes of one batch of learners). */
const WORK_MEM = "64MB";

const INPUT_COLUMNS = `user_id uuid, ts timestamptz, overall numeric, technical numeric,
  communication numeric, structure numeric, behavioral numeric, band text, meta jsonb`;

/** The fields whose change makes a new snapshot (figures, band, evidence, formula). */
function figures(tx: Queryable, alias: string, withSession = false) {
  return tx.unsafe(
    `(${alias}.readiness_overall, ${alias}.readiness_technical, ${alias}.readiness_communication,
      ${alias}.readiness_structure, ${alias}.readiness_behavioral, ${alias}.band,
      ${alias}.meta -> 'formula_version', ${alias}.meta -> 'evidence'${
      withSession ? `, ${alias}.meta -> 'session_id'` : ""
    })`,
  );
}

/**
 * Rewrites the learners' progress rows from their snapshots with sufficient evidence: the first and
 * latest snapshot, and each new best overall (`best_at`, `best_hundredths`: what time-to-readiness
 * reads). Rows that did not change are left alone.
 */
export async function refreshProgress(tx: Queryable, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await tx`
    with s as (
      select r.user_id, r.ts, r.id, (r.readiness_overall * 100)::int as h
      from analytics.user_readiness r
      where r.user_id = any(${userIds}::uuid[]) and r.readiness_overall is not null
        and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true)
    ), marked as (
      -- A new best: above every earlier snapshot (the first one is).
      select s.*, coalesce(s.h > max(s.h) over (
               partition by s.user_id order by s.ts, s.id
               rows between unbounded preceding and 1 preceding), true) as new_best
      from s
    ), progress as (
      select user_id, min(ts) as first_ts, max(ts) as last_ts,
             array_agg(ts order by ts, id) filter (where new_best) as best_at,
             array_agg(h order by ts, id) filter (where new_best) as best_hundredths
      from marked
      group by user_id
    ), upserted as (
      insert into analytics.readiness_progress as p
        (user_id, first_ts, last_ts, best_at, best_hundredths)
      select user_id, first_ts, last_ts, best_at, best_hundredths from progress
      on conflict (user_id) do update
        set first_ts = excluded.first_ts, last_ts = excluded.last_ts,
            best_at = excluded.best_at, best_hundredths = excluded.best_hundredths
      where (p.first_ts, p.last_ts, p.best_at, p.best_hundredths)
        is distinct from (excluded.first_ts, excluded.last_ts, excluded.best_at,
                          excluded.best_hundredths)
    )
    delete from analytics.readiness_progress p
    where p.user_id = any(${userIds}::uuid[])
      and not exists (select 1 from progress g where g.user_id = p.user_id)`;
}

/**
 * What is kept from the learners' snapshots, rewritten in the transaction that changed them: the
 * progress rows (time-to-readiness) and the kept readiness reads. The caller holds the learners'
 * locks (`lockKeptRows`, taken before writing their snapshots).
 */
async function snapshotsChanged(tx: Queryable, userIds: string[]): Promise<void> {
  await refreshProgress(tx, userIds);
  await refreshReadinessReads(tx, userIds);
}

/** Per learner, the pending mark seen now: cleared later only if no newer mark came meanwhile. */
async function pendingMarks(tx: Queryable, userIds: string[]) {
  return await tx<{ user_id: string; version: number }[]>`
    select user_id, version from analytics.readiness_pending
    where user_id = any(${userIds}::uuid[])`;
}

async function clearMarks(tx: Queryable, marks: { user_id: string; version: number }[]) {
  if (marks.length === 0) return;
  await tx`
    delete from analytics.readiness_pending p
    using jsonb_to_recordset(${tx.json(marks as unknown as postgres.JSONValue)}::jsonb)
      as m(user_id uuid, version bigint)
    where p.user_id = m.user_id and p.version = m.version`;
}

export interface ComputeForOptions extends ComputeOptions {
  /** The moments to compute at (default: each learner's latest evidence, or `asOf`). */
  at?: AsOfSpec;
  /** Return the effective snapshot of every learner (default true); false: counts only. */
  details?: boolean;
  /**
   * Rewrite the kept rows (progress, readiness read) of the learners written (default true);
   * false when the caller rewrites them for every learner afterwards (replaySnapshots).
   */
  refreshKept?: boolean;
}

export interface ComputeForResult {
  /** One per learner: the snapshot now in effect at the moment computed (new or unchanged). */
  snapshots: (ComputedReadiness & { written: boolean })[];
  written: number;
  unchanged: number;
}

/**
 * Refreshes the aggregates of `userIds`, scores them as of their moment and writes a snapshot
 * only where the figures, band, evidence or formula differ from the snapshot in effect at that
 * moment. A fixed number of set-based statements whatever the number of learners. One snapshot per
 * learner and moment is enforced by the unique key (user_id, ts): concurrent duplicates write once,
 * and a recomputation of the same moment with different figures corrects it in place.
 */
export async function computeReadiness(
  tx: Queryable,
  userIds: string[],
  options: ComputeForOptions = {},
): Promise<ComputeForResult> {
  const ids = [...new Set(userIds.map((id) => id.toLowerCase()))].sort();
  if (ids.length === 0) return { snapshots: [], written: 0, unchanged: 0 };
  // Before any write: another writer of these learners (or an erase) goes first or after, whole.
  await lockKeptRows(tx, ids);
  const config = options.config ?? readinessConfig;
  const trigger = options.trigger ?? "manual";
  const spec: AsOfSpec = options.at ??
    (options.asOf ? { kind: "fixed", at: options.asOf } : { kind: "latest" });
  const marks = spec.kind === "latest" ? await pendingMarks(tx, ids) : [];
  // Sorting and hashing a batch's answers fits in memory instead of spilling to disk.
  await tx`select set_config('work_mem', ${WORK_MEM}, true)`;
  // The stored aggregates are the learner's current state: as of now, unless a caller fixed the
  // moment for everyone (then as of that moment, as before).
  await refreshSkillAggregates(tx, ids, {
    config,
    asOf: spec.kind === "fixed" ? spec.at : undefined,
  });

  const fromAggregates = spec.kind === "latest" &&
    windowSpec(config, config.readiness_window).kind === "sessions";
  const input = scoreMoments(
    await windowAsOf(tx, momentsOf(tx, ids, spec), config, fromAggregates, ids),
    config,
    trigger,
  );
  // A replay (every session) compares each moment with the snapshot dated exactly then, which it
  // replaces; other runs compare with the snapshot in effect at the moment.
  const replay = spec.kind === "every_session";
  const [{ written, users }] = await tx<{ written: number; users: string[] }[]>`
    with input as materialized (
      select r.* from jsonb_to_recordset(${tx.json(input as unknown as postgres.JSONValue)}::jsonb)
        as r(${tx.unsafe(INPUT_COLUMNS)})
      join analytics.learners l on l.user_id = r.user_id
    ), prev as materialized (
      -- The snapshot in effect at each moment. A join and DISTINCT ON rather than a lateral
      -- subquery: on Citus it runs on the learner's shard, where a lateral outer join is refused.
      select distinct on (p.user_id, i.ts) i.ts as at, p.*
      from input i
      join analytics.user_readiness p
        on p.user_id = i.user_id and ${replay ? tx`p.ts = i.ts` : tx`p.ts <= i.ts`}
      order by p.user_id, i.ts, p.ts desc
    ), changed as (
      select i.* from input i
      left join prev p on p.user_id = i.user_id and p.at = i.ts
      where p.id is null
         or ${figures(tx, "p", replay)} is distinct from
            (i.overall, i.technical, i.communication, i.structure, i.behavioral, i.band,
             i.meta -> 'formula_version', i.meta -> 'evidence'${
    replay ? tx`, i.meta -> 'session_id'` : tx``
  })
    ), written as (
      insert into analytics.user_readiness as u
        (user_id, ts, readiness_overall, readiness_technical, readiness_communication,
         readiness_structure, readiness_behavioral, band, meta)
      select user_id, ts, overall, technical, communication, structure, behavioral, band, meta
      from changed
      on conflict (user_id, ts) do update set
        readiness_overall = excluded.readiness_overall,
        readiness_technical = excluded.readiness_technical,
        readiness_communication = excluded.readiness_communication,
        readiness_structure = excluded.readiness_structure,
        readiness_behavioral = excluded.readiness_behavioral,
        band = excluded.band,
        meta = excluded.meta
      where ${figures(tx, "u", replay)} is distinct from ${figures(tx, "excluded", replay)}
      returning u.user_id
    )
    select count(*)::int as written, coalesce(array_agg(distinct user_id), '{}') as users
    from written`;
  if (options.refreshKept !== false) await snapshotsChanged(tx, users);
  await clearMarks(tx, marks);

  let snapshots: ComputeForResult["snapshots"] = [];
  if (options.details !== false && input.length > 0) {
    const keys = input.map((i) => ({ user_id: i.user_id, ts: i.ts }));
    // Joins and DISTINCT ON rather than lateral subqueries, so that Citus runs them per shard.
    const rows = await tx<(SnapshotRow & { previous_overall: number | null })[]>`
      with k as materialized (
        select * from jsonb_to_recordset(${tx.json(keys)}::jsonb) as k(user_id uuid, ts timestamptz)
      ), s as materialized (
        -- The snapshot in effect at each moment.
        select distinct on (p.user_id, k.ts)
               p.id, p.user_id, p.ts, p.readiness_overall, p.readiness_technical,
               p.readiness_communication, p.readiness_structure, p.readiness_behavioral, p.band,
               p.meta
        from k join analytics.user_readiness p on p.user_id = k.user_id and p.ts <= k.ts
        order by p.user_id, k.ts, p.ts desc
      ), prev as materialized (
        -- The one before it.
        select distinct on (p.user_id, s.ts) s.ts as of_ts, p.user_id, p.readiness_overall
        from s join analytics.user_readiness p on p.user_id = s.user_id and p.ts < s.ts
        order by p.user_id, s.ts, p.ts desc
      )
      select s.*, prev.readiness_overall as previous_overall
      from s left join prev on prev.user_id = s.user_id and prev.of_ts = s.ts
      order by s.user_id, s.ts`;
    const writtenUsers = new Set(users);
    snapshots = rows.map((row) => ({
      ...toSnapshot(row),
      previous_overall: row.previous_overall,
      delta: deltaOf(row.readiness_overall, row.previous_overall),
      written: writtenUsers.has(row.user_id),
    }));
  }
  return { snapshots, written, unchanged: input.length - written };
}

/**
 * Rebuilds the learners' readiness history: one snapshot per session, dated by the session, as if
 * each had been scored when it happened. Snapshots at other moments are removed; a session's
 * snapshot that already holds the replayed figures stays as it is (same id), and one that differs
 * is corrected in place, so replaying twice writes nothing the second time.
 */
export async function replaySnapshots(
  tx: Queryable,
  userIds: string[],
  options: { config?: ReadinessConfig; trigger?: string } = {},
): Promise<{ written: number; unchanged: number; removed: number }> {
  const ids = [...new Set(userIds.map((id) => id.toLowerCase()))].sort();
  if (ids.length === 0) return { written: 0, unchanged: 0, removed: 0 };
  await lockKeptRows(tx, ids);
  const every: AsOfSpec = { kind: "every_session" };
  const removed = await tx`
    delete from analytics.user_readiness r
    where r.user_id = any(${ids}::uuid[])
      and not exists (
        select 1 from (${momentsOf(tx, ids, every)}) m where m.user_id = r.user_id and m.t = r.ts)`;
  const r = await computeReadiness(tx, ids, {
    ...options,
    at: every,
    details: false,
    refreshKept: false,
  });
  // Once for every learner replayed (written, only removed, or unchanged): a rebuild also
  // repairs what is kept from their snapshots.
  await snapshotsChanged(tx, ids);
  return { written: r.written, unchanged: r.unchanged, removed: removed.count };
}

/**
 * Refreshes one learner's aggregates, computes their readiness as of their latest evidence (or
 * `asOf`, or one session's time) and writes a snapshot if anything changed (one transaction).
 * Returns the snapshot in effect, with `written` false when it was already there. Throws
 * UnknownLearnerError for a user id that is not a learner.
 */
export async function computeUserReadiness(
  sql: Sql,
  userId: string,
  options?: { trigger?: string; config?: ReadinessConfig; asOf?: Date; sessionId?: string },
): Promise<ComputedReadiness & { written: boolean }> {
  const at: AsOfSpec | undefined = options?.sessionId
    ? { kind: "session", sessionId: options.sessionId }
    : undefined;
  const { snapshots } = await sql.begin((tx) => computeReadiness(tx, [userId], { ...options, at }));
  const [result] = snapshots;
  if (!result) {
    if (options?.sessionId) {
      // A session without answers has no moment of its own: the learner's latest evidence.
      return await computeUserReadiness(sql, userId, { ...options, sessionId: undefined });
    }
    throw new UnknownLearnerError(userId);
  }
  return result;
}

/** A learner's snapshots, newest first. */
export async function listSnapshots(
  sql: Queryable,
  userId: string,
  limit: number,
): Promise<Snapshot[]> {
  const rows = await sql<SnapshotRow[]>`
    select id, user_id, ts, readiness_overall, readiness_technical, readiness_communication,
           readiness_structure, readiness_behavioral, band, meta
    from analytics.user_readiness
    where user_id = ${userId}
    order by ts desc, id desc
    limit ${limit}`;
  return rows.map(toSnapshot);
}
