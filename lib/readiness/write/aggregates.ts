/**
 * user_skill_agg: each learner's average score per skill and configured window, recomputed
 * set-based for every learner in scope at once.
 */
import type { Queryable } from "../../db/mod.ts";
import { type ReadinessConfig, type WindowSpec } from "../config.ts";
import { skillSessions } from "../sql.ts";
import { inBatch, probedIn } from "./moments.ts";

export interface RefreshOptions {
  /** The windows (config/readiness.json). */
  config: ReadinessConfig;
  /** Evaluate the windows at this time instead of now(): later events are ignored. */
  asOf?: Date;
  /**
   * The transaction's now() as `isoMicros` prints it, when the caller has it (one round trip
   * less); read here otherwise. Without `asOf` the day windows end then.
   */
  now?: string;
}

export interface RefreshResult {
  /** Rows the merge inserted or updated (and, without `asOf`, deleted: emptied day windows). */
  upserted: number;
  /** Rows deleted besides: windows no longer configured (and, as of `asOf`, emptied ones). */
  deleted: number;
}

/** now() of the transaction, in UTC to the microsecond (`2026-12-06T12:40:00.123456Z`). */
export const NOW_MICROS = `to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** `at` (ISO, UTC, milliseconds or microseconds) minus whole hours, to the microsecond. */
function hoursBefore(at: string, hours: number): string {
  const micros = /\.\d{3}(\d{3})Z$/.exec(at)?.[1] ?? "000";
  const ms = Date.parse(at.replace(/(\.\d{3})\d*Z$/, "$1Z"));
  return `${new Date(ms - hours * 3_600_000).toISOString().slice(0, 23)}${micros}Z`;
}

/** The learners a statement touches: all, or `user_id = any(userIds)` (see `inBatch`). */
function scope(tx: Queryable, alias: "e" | "a", userIds: string[] | undefined) {
  return userIds ? tx`and ${inBatch(tx, alias, userIds)}` : tx``;
}

function upTo(tx: Queryable, asOf: Date | undefined) {
  return asOf ? tx`and e.ts <= ${asOf}::timestamptz` : tx``;
}

/**
 * Where each day window starts (exclusive): N × 24 h before `end`, computed here to the
 * microsecond, so that the statements hold no time arithmetic of the server's (Citus runs them on
 * the shards as they are, and a MERGE only with immutable functions).
 */
function dayStarts(windows: WindowSpec[], end: string): Map<string, string> {
  return new Map(
    windows.filter((w) => w.kind === "days").map((w) => [w.key, hoursBefore(end, 24 * w.size)]),
  );
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
  starts: Map<string, string>,
  /** Keep the day windows' rows without answers (sample_size 0): the MERGE deletes their stored rows. */
  emptyDays: boolean,
) {
  // Generated aliases (d0, d1, ...): from the window's position, never from input.
  const alias = (prefix: string, i: number) => tx.unsafe(`${prefix}${i}`);
  const days = windows.map((w, i) => ({ w, i })).filter(({ w }) => w.kind === "days");
  const perSessionDays = days.flatMap(({ w, i }) => {
    const inside = tx`e.ts > ${starts.get(w.key)!}::timestamptz`;
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
           round(w.total / nullif(w.answers, 0), 2) as avg_score, w.total as score_total,
           w.answers::int as sample_size, w.sessions::int as session_count
    from (
      select user_id, skill_tag, ${list(tx, perSkill)}
      from (${
    skillSessions(tx, {
      where: tx`true ${scope(tx, "e", userIds)} ${upTo(tx, asOf)}`,
      columns: perSessionDays,
      average: false,
    })
  }) r
      group by user_id, skill_tag
    ) k
    cross join lateral (values ${unpivot}) as w(key, total, answers, sessions)
    where w.answers > 0 ${
    emptyDays ? tx`or w.key = any(${days.map(({ w }) => w.key)}::text[])` : tx``
  }`;
}

/**
 * Recomputes user_skill_agg for `userIds` (all learners when omitted) and every configured window
 * (average score, answers, sessions, last_updated), and deletes the rows of those learners that no
 * longer have a value (no answers left in the window, or a window no longer configured).
 * Two statements, each one co-located by learner on Citus (one shard for one learner, every shard
 * at once for a batch, nothing through the coordinator): a MERGE of the fresh rows of every window,
 * computed once, into the stored ones (new rows inserted, changed ones updated, emptied day windows
 * deleted, unchanged ones not touched), and a delete of the rows of windows no longer configured
 * (as of a fixed `asOf`, also of every stored row whose window holds no answer any more: an index
 * probe each). The caller holds the learners' locks (`lockLearners`): no other writer adds their rows
 * meanwhile. Afterwards the stored rows are the fresh figures (readers of the readiness window's
 * figures read them there, `windowAsOf`).
 */
export async function refreshSkillAggregates(
  tx: Queryable,
  userIds: string[] | undefined,
  options: RefreshOptions,
): Promise<RefreshResult> {
  if (userIds && userIds.length === 0) return { upserted: 0, deleted: 0 };
  const config = options.config;
  const now = options.now ??
    (await tx<{ now: string }[]>`select ${tx.unsafe(NOW_MICROS)} as now`)[0].now;
  const end = options.asOf ? options.asOf.toISOString() : now;
  const starts = dayStarts(config.windows, end);
  // Without `asOf` only a day window can have emptied: a last-N-sessions window holds the
  // learner's last sessions on the skill, there while any answer on it is (answers are removed
  // only with the learner). So the fresh rows carry the day windows that hold no answer (sample
  // size 0), and the MERGE deletes their stored rows in the same pass: no probe of the answers
  // per stored row. As of a fixed moment any window can have emptied: a delete probes for them.
  const emptyDays = !options.asOf && starts.size > 0;
  const fresh = windowRows(tx, config.windows, userIds, options.asOf, starts, emptyDays);
  // Inserted without ON CONFLICT (no speculative insertion, about half the cost of writing a
  // first recompute's rows): the learners' locks keep other writers out, and the unique key still
  // refuses a duplicate. Unchanged figures are not touched at all (most learners' rows do not
  // move between recomputes).
  const merged = await tx`
    merge into analytics.user_skill_agg a
    using (${fresh}) f
    on a.user_id = f.user_id and a.skill_tag = f.skill_tag and a.window_key = f.window_key
       ${scope(tx, "a", userIds)}
    when matched and f.sample_size = 0 then delete
    when matched and (a.score_total, a.sample_size, a.session_count)
                     is distinct from (f.score_total, f.sample_size, f.session_count) then
      update set avg_score = f.avg_score, score_total = f.score_total,
                 sample_size = f.sample_size, session_count = f.session_count,
                 last_updated = ${now}::timestamptz
    when not matched and f.sample_size > 0 then
      insert (user_id, skill_tag, window_key, avg_score, score_total, sample_size, session_count,
              last_updated)
      values (f.user_id, f.skill_tag, f.window_key, f.avg_score, f.score_total, f.sample_size,
              f.session_count, ${now}::timestamptz)`;
  // A stored row of a window no longer configured; and, as of a fixed moment, one whose window
  // holds no answer on its skill any more (the last N sessions: none at all up to `asOf`; N days:
  // none after the window's start) — exactly the rows the fresh rows above lack.
  const keys = config.windows.map((w) => w.key);
  const startOf = [...starts].reduce(
    (acc, [key, at]) => tx`${acc} when ${key}::text then ${at}::timestamptz`,
    tx``,
  );
  const dayStart = starts.size === 0
    ? tx``
    : tx`and e.ts > (case a.window_key ${startOf} else '-infinity'::timestamptz end)`;
  const emptied = emptyDays ? tx`` : tx`
           or not exists (
             select 1 from analytics.session_events e
             where e.user_id = a.user_id and e.skill_tag = a.skill_tag
               ${userIds ? tx`and ${probedIn(tx, "e", userIds)}` : tx``}
               ${upTo(tx, options.asOf)} ${dayStart})`;
  const deleted = await tx`
    delete from analytics.user_skill_agg a
    where true ${scope(tx, "a", userIds)}
      and (a.window_key <> all(${keys}::text[]) ${emptied})`;
  return { upserted: merged.count, deleted: deleted.count };
}
