/** The profile values a cohort filter can take (the page's filter form offers them). */
import type { Queryable } from "../db/mod.ts";

/** Most values offered per field: a longer list is no use in a drop-down (the URL takes any). */
const MAX_CHOICES = 200;

export interface FilterChoices {
  tracks: string[];
  cohorts: string[];
}

/** The distinct non-empty `track` and `cohort` values of the learner profiles, sorted. */
export async function filterChoices(sql: Queryable): Promise<FilterChoices> {
  const [tracks, cohorts] = await Promise.all([
    sql<{ v: string }[]>`
      select distinct track as v from analytics.learners where track is not null and track <> ''
      order by 1 limit ${MAX_CHOICES}`,
    sql<{ v: string }[]>`
      select distinct cohort as v from analytics.learners where cohort is not null and cohort <> ''
      order by 1 limit ${MAX_CHOICES}`,
  ]);
  return { tracks: tracks.map((r) => r.v), cohorts: cohorts.map((r) => r.v) };
}
