/** user_readiness: computing and writing readiness snapshots (one learner, a batch, or a replay). */
import type postgres from "postgres";
import type { Queryable, Sql } from "../../db/mod.ts";
import { type ReadinessConfig, windowSpec } from "../config.ts";
import {
  type ComputedReadiness,
  deltaOf,
  type SnapshotRow,
  toSnapshot,
  UnknownLearnerError,
} from "../snapshot.ts";
import { NOW_MICROS, refreshSkillAggregates } from "./aggregates.ts";
import { refreshReadinessReads } from "./kept_reads.ts";
import { forgetLearnerReads } from "./learner_reads.ts";
import { lockLearners } from "../../learners/lock.ts";
import {
  type AsOfSpec,
  batchPlanning,
  inBatch,
  momentsOf,
  probedIn,
  scoreMoments,
  windowAsOf,
} from "./moments.ts";
import { clearMarks, pendingMarks } from "./pending.ts";
import { refreshProgress } from "./progress.ts";
import { refreshLatest } from "./latest.ts";

export interface ComputeOptions {
  /** Why the snapshot was taken (e.g. session_complete, admin, recompute); stored in meta. */
  trigger?: string;
  /** The formula (config/readiness.json). */
  config: ReadinessConfig;
  /**
   * Compute as of this time (windows and snapshot time); default: each learner's latest evidence
   * (last answer or completion, whichever is later).
   */
  asOf?: Date;
}

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
 * What is kept from the learners' snapshots, rewritten in the transaction that changed them: the
 * progress rows (time-to-readiness), the latest-snapshot rows (the directory's sorts) and the kept
 * readiness reads. The caller holds the learners'
 * locks (`lockLearners`, taken before writing their snapshots).
 */
async function snapshotsChanged(tx: Queryable, userIds: string[]): Promise<void> {
  await refreshProgress(tx, userIds);
  await refreshLatest(tx, userIds);
  await refreshReadinessReads(tx, userIds);
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

/** Snapshots per `insert … values` (9 parameters each, at most 65,535 parameters a statement). */
const VALUES_ROWS = 5000;

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
  options: ComputeForOptions,
): Promise<ComputeForResult> {
  const ids = [...new Set(userIds.map((id) => id.toLowerCase()))].sort();
  if (ids.length === 0) return { snapshots: [], written: 0, unchanged: 0 };
  // Before any write: another writer of these learners (or an erase) goes first or after, whole.
  await lockLearners(tx, ids);
  const config = options.config;
  const trigger = options.trigger ?? "manual";
  const spec: AsOfSpec = options.at ??
    (options.asOf ? { kind: "fixed", at: options.asOf } : { kind: "latest" });
  const marks = spec.kind === "latest" ? await pendingMarks(tx, ids) : [];
  // Planned for the batch (`batchPlanning`); the transaction's now() in the same round trip.
  const [{ now }] = await tx<{ now: string }[]>`
    select ${batchPlanning(tx)}, ${tx.unsafe(NOW_MICROS)} as now`;
  // As of the latest evidence a last-N-sessions readiness window is the learners' current one:
  // the refresh below computes it once, for the stored aggregates and the scores alike.
  const current = spec.kind === "latest" &&
    windowSpec(config, config.readiness_window).kind === "sessions";
  // The stored aggregates are the learner's current state: as of now, unless a caller fixed the
  // moment for everyone (then as of that moment, as before).
  await refreshSkillAggregates(tx, ids, {
    config,
    asOf: spec.kind === "fixed" ? spec.at : undefined,
    now,
  });
  const input = scoreMoments(
    await windowAsOf(tx, momentsOf(tx, ids, spec), config, current, ids),
    config,
    trigger,
  );
  // A replay (every session) compares each moment with the snapshot dated exactly then, which it
  // replaces; other runs compare with the snapshot in effect at the moment.
  const replay = spec.kind === "every_session";
  // Which moments differ from the snapshot in effect then (or have none): one statement over the
  // learners' rows (on Citus, on each learner's shard). The rows to write then travel as
  // `insert … values`, each straight to its learner's shard: an INSERT … SELECT into the snapshots
  // (whose id is a sequence's) would be run by Citus through the coordinator.
  const differing = input.length === 0 ? [] : await tx<{ n: number }[]>`
    select c.n from (
      -- Each moment with the snapshot in effect then (or none), in one pass over the moments:
      -- a left join and DISTINCT ON rather than a lateral subquery (on Citus it runs on the
      -- learner's shard, where a lateral outer join is refused), and no second join back to the
      -- moments, whose plan would hang on the planner's guess of how many rows the input holds.
      select distinct on (i.user_id, i.ts) i.n,
             p.id is null
               or ${figures(tx, "p", replay)} is distinct from
                  (i.overall, i.technical, i.communication, i.structure, i.behavioral, i.band,
                   i.meta -> 'formula_version', i.meta -> 'evidence'${
    replay ? tx`, i.meta -> 'session_id'` : tx``
  }) as differs
      from (
        select l.user_id, r.n, r.ts, r.overall, r.technical, r.communication, r.structure,
               r.behavioral, r.band, r.meta
        from jsonb_to_recordset(${
    tx.json(
      input.map((row, n) => ({
        ...row,
        n,
        // Only what the comparison reads of meta (the whole of it is written below).
        meta: {
          formula_version: row.meta.formula_version,
          evidence: row.meta.evidence,
          session_id: row.meta.session_id,
        },
      })) as unknown as postgres.JSONValue,
    )
  }::jsonb) as r(n int, ${tx.unsafe(INPUT_COLUMNS)})
        join analytics.learners l on l.user_id = r.user_id and ${inBatch(tx, "l", ids)}
      ) i
      left join analytics.user_readiness p
        on p.user_id = i.user_id and ${replay ? tx`p.ts = i.ts` : tx`p.ts <= i.ts`}
       and ${probedIn(tx, "p", ids)}
      order by i.user_id, i.ts, p.ts desc
    ) c
    where c.differs`;
  const changed = differing.map(({ n }) => {
    const r = input[n];
    return {
      user_id: r.user_id,
      ts: r.ts,
      readiness_overall: r.overall,
      readiness_technical: r.technical,
      readiness_communication: r.communication,
      readiness_structure: r.structure,
      readiness_behavioral: r.behavioral,
      band: r.band,
      meta: tx.json(r.meta as unknown as postgres.JSONValue),
    };
  });
  const writtenRows: { user_id: string }[] = [];
  for (let i = 0; i < changed.length; i += VALUES_ROWS) {
    writtenRows.push(
      ...await tx<{ user_id: string }[]>`
      insert into analytics.user_readiness ${
        tx(
          changed.slice(i, i + VALUES_ROWS),
          "user_id",
          "ts",
          "readiness_overall",
          "readiness_technical",
          "readiness_communication",
          "readiness_structure",
          "readiness_behavioral",
          "band",
          "meta",
        )
      }
      on conflict (user_id, ts) do update set
        readiness_overall = excluded.readiness_overall,
        readiness_technical = excluded.readiness_technical,
        readiness_communication = excluded.readiness_communication,
        readiness_structure = excluded.readiness_structure,
        readiness_behavioral = excluded.readiness_behavioral,
        band = excluded.band,
        meta = excluded.meta
      where ${figures(tx, "user_readiness", replay)}
            is distinct from ${figures(tx, "excluded", replay)}
      returning user_id`,
    );
  }
  const written = writtenRows.length;
  const users = [...new Set(writtenRows.map((r) => r.user_id))].sort();
  if (options.refreshKept !== false) await snapshotsChanged(tx, users);
  // The kept trends and coaching bodies read the aggregates and snapshots just refreshed.
  await forgetLearnerReads(tx, ids);
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
        where p.user_id = any(${ids}::uuid[])
        order by p.user_id, k.ts, p.ts desc
      ), prev as materialized (
        -- The one before it.
        select distinct on (p.user_id, s.ts) s.ts as of_ts, p.user_id, p.readiness_overall
        from s join analytics.user_readiness p on p.user_id = s.user_id and p.ts < s.ts
        where p.user_id = any(${ids}::uuid[])
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
  options: { config: ReadinessConfig; trigger?: string },
): Promise<{ written: number; unchanged: number; removed: number }> {
  const ids = [...new Set(userIds.map((id) => id.toLowerCase()))].sort();
  if (ids.length === 0) return { written: 0, unchanged: 0, removed: 0 };
  await lockLearners(tx, ids);
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
  options: { trigger?: string; config: ReadinessConfig; asOf?: Date; sessionId?: string },
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
