/** Learner profiles (display name, level, track, cohort) used for cohort questions. */
import { z } from "zod";
import type { Queryable, Sql } from "../db/mod.ts";
import { lockLearners } from "./lock.ts";
import { refreshDirectory } from "./directory_rows.ts";
import { assertNotErased } from "../privacy/tombstones.ts";
import { forgetLearnerReads } from "../readiness/write/learner_reads.ts";
import type { Catalog } from "../catalog.ts";

/** zod schema for `PUT /api/learners/:userId` bodies; omitted fields keep their stored value. */
export function profileSchema(catalog: Catalog) {
  return z.object({
    display_name: z.string().trim().min(1).max(100).nullable().optional(),
    level: z.enum(catalog.levels as [string, ...string[]]).nullable().optional(),
    track: z.string().trim().min(1).max(100).nullable().optional(),
    cohort: z.string().trim().min(1).max(100).nullable().optional(),
  }).strict();
}

export type ProfileInput = z.infer<ReturnType<typeof profileSchema>>;

export interface LearnerProfile {
  user_id: string;
  /** Name shown on screen; null when none was given. */
  display_name: string | null;
  level: string | null;
  track: string | null;
  cohort: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Creates or updates a learner; returns the stored profile and whether it was created. */
export async function upsertProfile(
  sql: Queryable,
  userId: string,
  input: ProfileInput,
): Promise<{ profile: LearnerProfile; created: boolean }> {
  const has = (key: keyof ProfileInput) => input[key] !== undefined;
  // The time travels in the inserted row: Citus takes only immutable expressions in DO UPDATE.
  const [row] = await sql<(LearnerProfile & { created: boolean })[]>`
    insert into analytics.learners (user_id, display_name, level, track, cohort, updated_at)
    values (${userId}, ${input.display_name ?? null}, ${input.level ?? null}, ${
    input.track ?? null
  }, ${input.cohort ?? null},
            now())
    on conflict (user_id) do update set
      display_name = case when ${has("display_name")} then excluded.display_name
                          else analytics.learners.display_name end,
      level = case when ${has("level")} then excluded.level else analytics.learners.level end,
      track = case when ${has("track")} then excluded.track else analytics.learners.track end,
      cohort = case when ${has("cohort")} then excluded.cohort else analytics.learners.cohort end,
      updated_at = excluded.updated_at
    returning user_id, display_name, level, track, cohort, created_at, updated_at, (xmax = 0) as created`;
  // Staff read the learner's name in the kept coaching body.
  await forgetLearnerReads(sql, [userId]);
  await refreshDirectory(sql, [row.user_id]);
  await refreshKeptProfile(sql, row.user_id);
  const { created, ...profile } = row;
  return { profile, created };
}

/**
 * Copies the learner's profile (level, track, cohort) onto the rows kept for the cohort figures
 * (learner_latest, learner_activity, learner_skill_sessions), where it differs: a profile-filtered
 * cohort reads them without the learners table. One statement per table, each on the learner's
 * shard on Citus.
 */
async function refreshKeptProfile(sql: Queryable, userId: string): Promise<void> {
  for (const table of ["learner_latest", "learner_activity", "learner_skill_sessions"]) {
    await sql`
      update ${sql(`analytics.${table}`)} k
      set level = l.level, track = l.track, cohort = l.cohort
      from analytics.learners l
      where l.user_id = ${userId} and k.user_id = ${userId}
        and (k.level, k.track, k.cohort) is distinct from (l.level, l.track, l.cohort)`;
  }
}

/**
 * `upsertProfile` in its own transaction, after the learner's lock (taken first by every writer of
 * a learner's rows, so that a profile write and an erase of the learner run one after the other);
 * throws LearnerErasedError for an erased learner.
 */
export async function saveProfile(
  sql: Sql,
  userId: string,
  input: ProfileInput,
): Promise<{ profile: LearnerProfile; created: boolean }> {
  return await sql.begin(async (tx) => {
    await lockLearners(tx, [userId.toLowerCase()]);
    await assertNotErased(tx, userId);
    return await upsertProfile(tx, userId, input);
  });
}

/** The stored profile, or null. */
export async function getProfile(sql: Queryable, userId: string): Promise<LearnerProfile | null> {
  const [row] = await sql<LearnerProfile[]>`
    select user_id, display_name, level, track, cohort, created_at, updated_at from analytics.learners where user_id = ${userId}`;
  return row ?? null;
}
