/**
 * learner_activity: each learner's answer and session times (sorted arrays: the cohort overview's
 * activity in any period), last answer and persistently low skills (the needs-attention list),
 * rewritten in the transaction that writes the answers.
 */
import type postgres from "postgres";
import type { Queryable, Sql } from "../db/mod.ts";
import { lockLearners } from "../learners/lock.ts";
import { refreshDirectory } from "../learners/directory_rows.ts";

/**
 * The low-skill rule: a skill is persistently low when each of the learner's last `sessions`
 * sessions on it (ordered by their first answer on the skill) averages below `threshold`.
 */
export interface LowSkillRule {
  threshold: number;
  sessions: number;
  /** The configured skills (others are never judged). */
  tags: readonly string[];
}

/** The rule from the static config (readiness low_skill, catalog skills). */
export function lowSkillRule(settings: {
  readiness: { low_skill: { threshold: number; sessions: number } };
  catalog: { skillTags: readonly string[] };
}): LowSkillRule {
  const { threshold, sessions } = settings.readiness.low_skill;
  return { threshold, sessions, tags: settings.catalog.skillTags };
}

/** What a kept row records of the rule it was judged by: a row under another rule is not used. */
export function ruleStamp(rule: LowSkillRule): string {
  return `${rule.threshold}|${rule.sessions}|${rule.tags.join(",")}`;
}

/**
 * Per learner among `learners` (a fragment selecting `user_id`) and skill: persistently low as
 * of `to` (answers strictly before it; null: every answer), exactly (sum < threshold · answers in
 * each of the last N sessions). The one definition of the rule in SQL.
 */
export function lowSkillsSql(
  sql: Queryable,
  ids: postgres.PendingQuery<postgres.Row[]>,
  rule: LowSkillRule,
  to: Date | null,
) {
  return sql`
    select user_id, skill_tag from (
      select h.*, row_number() over (partition by user_id, skill_tag
                                     order by ts desc, session_id desc) as rn
      from (
        select e.user_id, e.skill_tag, e.session_id, min(e.ts) as ts, sum(e.score) as s,
               count(*) as n
        from analytics.session_events e
        where e.user_id = any(${ids}) ${to === null ? sql`` : sql`and e.ts < ${to}`}
          and e.skill_tag = any(${rule.tags}::text[])
        group by e.user_id, e.skill_tag, e.session_id
      ) h
    ) last_n
    where rn <= ${rule.sessions}
    group by user_id, skill_tag
    having count(*) = ${rule.sessions} and bool_and(s < ${String(rule.threshold)}::numeric * n)`;
}

/**
 * Rewrites the learners' activity rows from their answers (after any change to them), under the
 * learners' locks. Rows that did not change are left alone; a learner without answers has none.
 */
export async function refreshActivity(
  tx: Queryable,
  userIds: string[],
  rule: LowSkillRule,
): Promise<void> {
  if (userIds.length === 0) return;
  const ids = tx`${userIds}::uuid[]`;
  // Each statement on the learners' own shards on Citus. Nothing to delete: answers are removed
  // only with their learner, whose kept rows go with it.
  await tx`
    insert into analytics.learner_activity as a
      (user_id, last_answer_at, answer_ts, session_ts, low_rule, low_skills, level, track, cohort)
    select la.user_id, la.at, la.answer_ts, ls.session_ts, ${ruleStamp(rule)},
           coalesce(lo.skills, '{}'), l.level, l.track, l.cohort
    from (
      -- One time per answer (its rows per skill share it; the first if they do not).
      select x.user_id, max(x.ts) as at, array_agg(x.ts order by x.ts) as answer_ts
      from (
        select e.user_id, min(e.ts) as ts from analytics.session_events e
        where e.user_id = any(${ids}) group by e.user_id, e.session_id, e.answer_id
      ) x
      group by x.user_id
    ) la
    join (
      -- A session's time is its first answer's.
      select x.user_id, array_agg(x.ts order by x.ts) as session_ts
      from (
        select e.user_id, min(e.ts) as ts from analytics.session_events e
        where e.user_id = any(${ids}) group by e.user_id, e.session_id
      ) x
      group by x.user_id
    ) ls on ls.user_id = la.user_id
    left join (
      select user_id, array_agg(skill_tag order by skill_tag) as skills
      from (${lowSkillsSql(tx, ids, rule, null)}) low group by user_id
    ) lo on lo.user_id = la.user_id
    -- The profile, for profile-filtered cohort figures.
    left join analytics.learners l on l.user_id = la.user_id and l.user_id = any(${ids})
    on conflict (user_id) do update
      set last_answer_at = excluded.last_answer_at, answer_ts = excluded.answer_ts,
          session_ts = excluded.session_ts, low_rule = excluded.low_rule,
          low_skills = excluded.low_skills, level = excluded.level, track = excluded.track,
          cohort = excluded.cohort
    where (a.last_answer_at, a.answer_ts, a.session_ts, a.low_rule, a.low_skills, a.level,
           a.track, a.cohort)
      is distinct from (excluded.last_answer_at, excluded.answer_ts, excluded.session_ts,
                        excluded.low_rule, excluded.low_skills, excluded.level, excluded.track,
                        excluded.cohort)`;
  await refreshSkillSessions(tx, ids);
  // The directory shows the sessions and the last activity.
  await refreshDirectory(tx, userIds);
}

/**
 * Rewrites the learners' per-skill session rows (learner_skill_sessions): every session on the
 * skill in order of its first answer on it, its scores' sum (hundredths) and count, and from each
 * position on the best session's. Rows that did not change are left alone.
 */
async function refreshSkillSessions(tx: Queryable, ids: postgres.PendingQuery<postgres.Row[]>) {
  await tx`
    insert into analytics.learner_skill_sessions as k
      (user_id, skill_tag, ts, sum_h, n, best_sum_h, best_n, last_max, level, track, cohort)
    select y.user_id, y.skill_tag, array_agg(ts order by ts, session_id),
           array_agg(sum_h order by ts, session_id), array_agg(n order by ts, session_id),
           array_agg(best[2]::int8 order by ts, session_id),
           array_agg(best[3]::int4 order by ts, session_id),
           array_agg(last_max order by ts, session_id),
           -- The profile, for profile-filtered cohort figures (one row per learner: max is it).
           max(l.level), max(l.track), max(l.cohort)
    from (
      -- The best from each position on: the highest average, as (average, sum, count); the
      -- average to numeric's precision tells distinct fractions of these sizes apart.
      select x.*, max(array[x.sum_h::numeric / x.n, x.sum_h, x.n]) over (
               partition by x.user_id, x.skill_tag order by x.ts, x.session_id
               rows between current row and unbounded following) as best,
             -- The latest answer of the sessions up to here.
             max(x.last_ts) over (
               partition by x.user_id, x.skill_tag order by x.ts, x.session_id
               rows between unbounded preceding and current row) as last_max
      from (
        select e.user_id, e.skill_tag, e.session_id, min(e.ts) as ts, max(e.ts) as last_ts,
               (sum(e.score) * 100)::int8 as sum_h, count(*)::int4 as n
        from analytics.session_events e
        where e.user_id = any(${ids})
        group by e.user_id, e.skill_tag, e.session_id
      ) x
    ) y
    left join analytics.learners l on l.user_id = y.user_id and l.user_id = any(${ids})
    group by y.user_id, y.skill_tag
    on conflict (user_id, skill_tag) do update
      set ts = excluded.ts, sum_h = excluded.sum_h, n = excluded.n,
          best_sum_h = excluded.best_sum_h, best_n = excluded.best_n, last_max = excluded.last_max,
          level = excluded.level, track = excluded.track, cohort = excluded.cohort
    where (k.ts, k.sum_h, k.n, k.best_sum_h, k.best_n, k.last_max, k.level, k.track, k.cohort)
      is distinct from (excluded.ts, excluded.sum_h, excluded.n, excluded.best_sum_h,
                        excluded.best_n, excluded.last_max, excluded.level, excluded.track,
                        excluded.cohort)`;
}

/**
 * Rewrites the activity rows kept under another rule (or missing for a learner with answers), in
 * batches of `batchSize` learners, one transaction each under their locks: after the rule's
 * configuration changed, or for rows written before it was judged. Returns the learners written.
 */
export async function fillActivity(
  sql: Sql,
  rule: LowSkillRule,
  batchSize: number,
): Promise<number> {
  let written = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = await sql<{ user_id: string }[]>`
      select l.user_id from analytics.learners l
      left join analytics.learner_activity a on a.user_id = l.user_id
      where l.user_id > ${after}::uuid
        and (a.low_rule <> ${ruleStamp(rule)}
             or (a.user_id is null
                 and exists (select 1 from analytics.session_events e
                             where e.user_id = l.user_id)))
      order by l.user_id limit ${batchSize}`;
    if (rows.length === 0) return written;
    const ids = rows.map((r) => r.user_id);
    await sql.begin(async (tx) => {
      await lockLearners(tx, ids);
      await refreshActivity(tx, ids, rule);
    });
    written += ids.length;
    after = ids[ids.length - 1];
  }
}
