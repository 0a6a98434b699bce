/**
 * SQL fragments the readiness reads and writes share (postgres.js fragments and constant column
 * texts): the session-ranking rule, ISO times, a snapshot as JSON, and the readiness body builder
 * with the identity of its kept bodies.
 */
import { createHash } from "node:crypto";
import type { Queryable } from "../db/mod.ts";
import { COMPONENTS } from "./config.ts";

/** The history length of `GET /readiness` without `limit`: the one kept per learner. */
export const DEFAULT_HISTORY = 20;

/** `timestamptz` as `Date#toISOString` prints it (UTC, milliseconds, `Z`). */
export const isoText = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A snapshot of alias `s` as a JSON object, keys in the API's order; with `meta` as stored, or
 * without it (history entries). Scores go out as float8, which prints the shortest exact text of
 * a numeric(5, 2) value (57.9, not 57.90), as JavaScript does.
 */
export const snapshotJson = (withMeta: boolean) =>
  `json_build_object('id', s.id, 'user_id', s.user_id, 'ts', ${
    isoText("s.ts")
  }, 'overall', s.readiness_overall::float8, 'components', json_build_object(${
    COMPONENTS.map((c) => `'${c}', s.readiness_${c}::float8`).join(", ")
  }), 'band', s.band, 'formula_version', s.meta ->> 'formula_version'${
    withMeta ? ", 'meta', s.meta" : ""
  })`;

export /**
 * One row per learner matched by `learners` (a condition on `l.user_id`) with their body for a
 * history of `limit`: snapshots matched by `snapshots` (the same condition on `r.user_id`),
 * numbered newest first per learner. Grouped by learner and windowed per learner, so that on
 * Citus it runs on each learner's shard.
 */
function bodiesSql(
  sql: Queryable,
  learners: ReturnType<Queryable>,
  snapshots: ReturnType<Queryable>,
  limit: number,
) {
  return sql`
    select l.user_id, json_build_object(
      'user_id', l.user_id,
      'latest', (array_agg(${sql.unsafe(snapshotJson(true))}) filter (where s.rn = 1))[1],
      -- Exact: the difference of two numeric(5, 2) values needs no rounding.
      'delta', (max(s.readiness_overall) filter (where s.rn = 1)
                - max(s.readiness_overall) filter (where s.rn = 2))::float8,
      'history', coalesce(json_agg(${sql.unsafe(snapshotJson(false))} order by s.rn)
                            filter (where s.rn <= ${limit}::int), '[]')
    )::text as body
    from analytics.learners l
    left join (
      select r.*, row_number() over (partition by r.user_id order by r.ts desc, r.id desc) as rn
      from analytics.user_readiness r
      where ${snapshots}
    ) s on s.user_id = l.user_id and s.rn <= greatest(${limit}::int, 2)
    where ${learners}
    group by l.user_id`;
}

/** Identifies the builder: a kept body built by other code (an older version) is not used. */
export const BUILDER = createHash("sha256")
  .update([bodiesSql.toString(), snapshotJson(true), snapshotJson(false)].join("\n"))
  .digest("hex")
  .slice(0, 16);

/**
 * The rule "a learner's sessions on a skill, ranked newest first", as one relation: a row per
 * learner, skill and session (and per moment `m.t` with `perMoment`) of the answers matched by
 * `where` (a condition on `e`, analytics.session_events), with the session's first answer time on
 * the skill (`first_ts`), the exact sum of its scores (`total`), its answers, its average rounded
 * to hundredths (`score`), any `columns` asked (aggregates over `e`), and `rn`: 1 for the session
 * whose first answer is the latest (ties: the larger session id), counted per learner and skill.
 * With `perMoment`, the answers at or before each moment of a relation `m(user_id, t)` in scope
 * are ranked per moment.
 */
export function skillSessions(
  sql: Queryable,
  options: {
    where: ReturnType<Queryable>;
    perMoment?: boolean;
    columns?: ReturnType<Queryable["unsafe"]>[];
    /** The session's rounded average (`score`, what the series show); false when unread. */
    average?: boolean;
  },
) {
  const extra = (options.columns ?? []).reduce((acc, c) => sql`${acc}, ${c}`, sql``);
  const moment = options.perMoment ? sql`, m.t` : sql``;
  const from = options.perMoment
    ? sql`m join analytics.session_events e on e.user_id = m.user_id and e.ts <= m.t`
    : sql`analytics.session_events e`;
  return sql`
    select e.user_id${moment}, e.skill_tag, e.session_id, min(e.ts) as first_ts,
           sum(e.score) as total, count(*)::int as answers${
    options.average === false ? sql`` : sql`, round(avg(e.score), 2) as score`
  }${extra},
           row_number() over (
             partition by e.user_id${moment}, e.skill_tag
             order by min(e.ts) desc, e.session_id desc) as rn
    from ${from}
    where ${options.where}
    group by e.user_id${moment}, e.skill_tag, e.session_id`;
}
