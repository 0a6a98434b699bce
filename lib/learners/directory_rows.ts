/**
 * learner_directory: each learner's directory row, kept as the sources say now (profile and label,
 * sessions and last activity, the latest snapshot's readiness, band and change, and the
 * needs-attention rules' inputs from the activity and latest-snapshot rows), and
 * learner_profile_counts, the learners of each profile (the directory's total under profile
 * filters). Rewritten in the transaction that writes a source, under the learner's lock.
 */
import type { Queryable, Sql } from "../db/mod.ts";
import { lockLearners } from "./lock.ts";

/** The fallback label in SQL of the learners row `l`: the same text as `learnerLabel`. */
export function labelSql(sql: Queryable) {
  return sql`(
    case when concat_ws(' ', l.level, l.track) = '' then 'Learner'
         else upper(left(concat_ws(' ', l.level, l.track), 1))
              || substr(concat_ws(' ', l.level, l.track), 2) || ' learner' end
    || ' ' || left(l.user_id::text, 4))`;
}

/** The API's fields of a directory row, in order, as SQL on the row `x`. */
const ROW_FIELDS: [string, string][] = [
  ["user_id", "x.user_id"],
  ["label", "x.label"],
  ["level", "x.level"],
  ["track", "x.track"],
  ["cohort", "x.cohort"],
  ["sessions", "x.sessions"],
  // As JavaScript's toISOString writes it.
  ["last_active", `to_char(x.last_active at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`],
  ["readiness", "x.readiness"],
  ["band", "x.band"],
  ["delta", "x.delta"],
];

/**
 * The row `x` as the API answers it: a compact JSON object, its fields in the API's order, each
 * value written by to_json. Plain expressions on the row (no subquery), so that Citus runs the
 * statement on the learners' shards whatever their number.
 */
export function rowJsonSql(sql: Queryable) {
  const parts = ROW_FIELDS.map(([key, value], i) =>
    `'${i === 0 ? "{" : ","}"${key}":' || coalesce(to_json(${value})::text, 'null')`
  );
  return sql.unsafe(`(${parts.join(" || ")} || '}')`);
}

type Profile = { level: string | null; track: string | null; cohort: string | null };

/**
 * Rewrites the learners' directory rows from their profile, sessions, latest-snapshot row and
 * activity row (after any change to one of them), under the learners' locks, and counts a learner that is new
 * or changed profile in learner_profile_counts. Rows that did not change are left alone.
 */
export async function refreshDirectory(tx: Queryable, userIds: string[]): Promise<number> {
  if (userIds.length === 0) return 0;
  const ids = tx`${userIds}::uuid[]`;
  // Two statements, each on the learners' own shards on Citus (every table filtered on the
  // learners' ids): the profiles the rows had, then the upsert of the rows that changed.
  const before = new Map(
    (await tx<(Profile & { user_id: string })[]>`
      select user_id, level, track, cohort from analytics.learner_directory
      where user_id = any(${ids})`).map(({ user_id, ...profile }) => [user_id, profile]),
  );
  const written = await tx<(Profile & { user_id: string })[]>`
    insert into analytics.learner_directory as d
      (user_id, level, track, cohort, label, sessions, last_active, readiness, band, delta,
       row_json, last_answer_at, low_rule, low_skills, latest_at, sufficient, scored_at, scored)
    select x.user_id, x.level, x.track, x.cohort, x.label, x.sessions, x.last_active,
           x.readiness, x.band, x.delta, ${rowJsonSql(tx)}, x.last_answer_at, x.low_rule,
           x.low_skills, x.latest_at, x.sufficient, x.scored_at, x.scored
    from (
      select l.user_id, l.level, l.track, l.cohort,
             coalesce(l.display_name, ${labelSql(tx)}) as label,
             coalesce(s.sessions, 0)::int as sessions, s.last_active, r.readiness, r.band,
             r.delta,
             -- The needs-attention rules' inputs (lib/cohorts/attention.ts), copied from the
             -- learner's activity and latest-snapshot rows.
             a.last_answer_at, a.low_rule, a.low_skills, r.ts as latest_at, r.sufficient,
             r.scored_at, r.scored
      from analytics.learners l
      left join (
        select x.user_id, count(*) as sessions,
               max(coalesce(x.completed_at, x.started_at)) as last_active
        from analytics.sessions x where x.user_id = any(${ids}) group by x.user_id
      ) s on s.user_id = l.user_id
      left join analytics.learner_latest r on r.user_id = l.user_id and r.user_id = any(${ids})
      left join analytics.learner_activity a
        on a.user_id = l.user_id and a.user_id = any(${ids})
      where l.user_id = any(${ids})
    ) x
    on conflict (user_id) do update
      set level = excluded.level, track = excluded.track, cohort = excluded.cohort,
          label = excluded.label, sessions = excluded.sessions,
          last_active = excluded.last_active, readiness = excluded.readiness,
          band = excluded.band, delta = excluded.delta, row_json = excluded.row_json,
          last_answer_at = excluded.last_answer_at, low_rule = excluded.low_rule,
          low_skills = excluded.low_skills, latest_at = excluded.latest_at,
          sufficient = excluded.sufficient, scored_at = excluded.scored_at,
          scored = excluded.scored
    where (d.level, d.track, d.cohort, d.label, d.sessions, d.last_active, d.readiness, d.band,
           d.delta, d.row_json, d.last_answer_at, d.low_rule, d.low_skills, d.latest_at,
           d.sufficient, d.scored_at, d.scored)
      is distinct from (excluded.level, excluded.track, excluded.cohort, excluded.label,
                        excluded.sessions, excluded.last_active, excluded.readiness,
                        excluded.band, excluded.delta, excluded.row_json,
                        excluded.last_answer_at, excluded.low_rule, excluded.low_skills,
                        excluded.latest_at, excluded.sufficient, excluded.scored_at,
                        excluded.scored)
    returning d.user_id, d.level, d.track, d.cohort`;
  const same = (a: Profile, b: Profile) =>
    a.level === b.level && a.track === b.track && a.cohort === b.cohort;
  const moved = written.flatMap(({ user_id, ...now }) => {
    const was = before.get(user_id) ?? null;
    return was && same(was, now) ? [] : [{ now, was }];
  });
  const changes = new Map<string, { profile: Profile; n: number }>();
  const count = (profile: Profile, n: number) => {
    const key = JSON.stringify([profile.level, profile.track, profile.cohort]);
    const entry = changes.get(key) ?? { profile, n: 0 };
    entry.n += n;
    changes.set(key, entry);
  };
  for (const { was, now } of moved) {
    count(now, 1);
    if (was) count(was, -1);
  }
  await countProfiles(tx, [...changes.values()].filter((c) => c.n !== 0));
  return written.length;
}

/**
 * Removes the learner's directory row and their count (an erase, before it deletes the learner's
 * rows, under the learner's lock); returns the rows removed.
 */
export async function forgetDirectory(tx: Queryable, userId: string): Promise<number> {
  const gone = await tx<Profile[]>`
    delete from analytics.learner_directory where user_id = ${userId}
    returning level, track, cohort`;
  await countProfiles(tx, gone.map((profile) => ({ profile, n: -1 })));
  return gone.length;
}

/** Adds `n` to each profile's count, its rows locked in one order (writers never deadlock on them). */
async function countProfiles(tx: Queryable, changes: { profile: Profile; n: number }[]) {
  if (changes.length === 0) return;
  await tx`
    insert into analytics.learner_profile_counts as c (level, track, cohort, learners)
    select level, track, cohort, n
    from unnest(${changes.map((c) => c.profile.level)}::text[],
                ${changes.map((c) => c.profile.track)}::text[],
                ${changes.map((c) => c.profile.cohort)}::text[],
                ${changes.map((c) => c.n)}::int[]) as x(level, track, cohort, n)
    order by level nulls first, track nulls first, cohort nulls first
    on conflict (level, track, cohort) do update set learners = c.learners + excluded.learners`;
}

/** What `rebuildDirectory` did. */
export interface DirectoryRebuild {
  /** Learners whose row was looked at. */
  learners: number;
  /** Rows rewritten because they differed from the sources (or were missing). */
  rewritten: number;
  /** Rows of learners that no longer exist, deleted. */
  orphans: number;
  /** Profile count rows set to the counted value (or deleted: no learner has that profile). */
  counts: number;
}

/**
 * The repair of the directory's kept rows (`deno task recompute --directory`): every learner's row
 * rewritten from the sources where it differs, batch by batch under the learners' locks; rows of
 * learners that no longer exist deleted; then `learner_profile_counts` recounted from the rows, with
 * the table locked against the writers that move counts (a writer whose row change is not yet
 * committed adds its change to the recounted value after it). Nothing is written where the kept
 * rows already agree.
 */
export async function rebuildDirectory(
  sql: Sql,
  options: { batchSize: number; onProgress?: (done: number, total: number) => void },
): Promise<DirectoryRebuild> {
  const ids = (await sql<{ user_id: string }[]>`
    select user_id from analytics.learners order by user_id`).map((r) => r.user_id);
  const out: DirectoryRebuild = { learners: ids.length, rewritten: 0, orphans: 0, counts: 0 };
  for (let i = 0; i < ids.length; i += options.batchSize) {
    const batch = ids.slice(i, i + options.batchSize);
    out.rewritten += await sql.begin(async (tx) => {
      await lockLearners(tx, batch);
      return await refreshDirectory(tx, batch);
    }) as number;
    options.onProgress?.(Math.min(i + options.batchSize, ids.length), ids.length);
  }
  await sql.begin(async (tx) => {
    const orphans = await tx`
      delete from analytics.learner_directory d
      where not exists (select 1 from analytics.learners l where l.user_id = d.user_id)`;
    out.orphans = orphans.count;
    await tx`lock table analytics.learner_profile_counts in exclusive mode`;
    const stale = await tx`
      delete from analytics.learner_profile_counts c
      where not exists (
        select 1 from analytics.learner_directory d
        where d.level is not distinct from c.level and d.track is not distinct from c.track
          and d.cohort is not distinct from c.cohort)`;
    const set = await tx`
      insert into analytics.learner_profile_counts as c (level, track, cohort, learners)
      select level, track, cohort, count(*)::int from analytics.learner_directory
      group by level, track, cohort
      order by level nulls first, track nulls first, cohort nulls first
      on conflict (level, track, cohort) do update set learners = excluded.learners
      where c.learners <> excluded.learners`;
    out.counts = stale.count + set.count;
  });
  return out;
}
