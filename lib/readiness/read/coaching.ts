/**
 * The read behind the coaching API and the learner dashboard, one statement: the learner check,
 * the snapshot history, the low-skill evidence, the readiness-window averages and (for the
 * dashboard) the trend window's per-session points in a single round trip. Filters on
 * `user_id` (one shard on Citus); times come back as ISO text; snapshot `meta` (the bulk of a
 * snapshot) is read only where the answer uses it.
 */
import type { Queryable } from "../../db/mod.ts";
import { type Coaching, coachingOf, type LowSkillRow, lowSkillsOf } from "../coaching.ts";
import type { WindowSpec } from "../config.ts";
import { buildGuidance, type Guidance, GUIDANCE_HISTORY_LIMIT } from "../guidance/mod.ts";
import type { SessionPoint, Snapshot } from "../snapshot.ts";
import { type Audience, LEARNER_READER, type Reader } from "../text.ts";
import { learnerLabel } from "../../learners/label.ts";
import { isoText, skillSessions, snapshotJson } from "../sql.ts";
import { sessionPointsJson } from "./trends.ts";
import type { StaticConfig } from "../../static_config.ts";

/** The coaching answer with the history and per-session points it was built from. */
export interface CoachingRead {
  coaching: Coaching & Guidance;
  /** Newest first, at most GUIDANCE_HISTORY_LIMIT; the whole meta on the latest two only. */
  history: Snapshot[];
  /** The trend window's per-session points, as `sessionScores` returns them (none unasked). */
  points: SessionPoint[];
  /** Whom the sentences speak to (the projection is phrased for the same reader). */
  reader: Reader;
}

/**
 * Who the sentences are for: the learner (default) or staff, who read the learner's label (the
 * profile's display name, else a label from the profile); dates in `timeZone` (default UTC), projections from `now` (default: now).
 */
export interface CoachingView {
  audience?: Audience;
  timeZone?: string;
  now?: number;
}

/**
 * A learner's coaching and guidance (`coachingOf`, `buildGuidance`) from one statement: the
 * snapshot history (meta only on the latest two, the ones coaching reads), the low-skill evidence
 * and the readiness-window averages. Null when `userId` is not a learner.
 */
export async function coachingData(
  sql: Queryable,
  userId: string,
  settings: StaticConfig,
  view: CoachingView = {},
): Promise<(Coaching & Guidance) | null> {
  return (await coachingRead(sql, userId, settings, undefined, view))?.coaching ?? null;
}

/**
 * `coachingData` with the history it read and, when `trend` is given, the learner's per-session
 * points within it (what the dashboard draws), in the same statement. Null for an unknown learner.
 */
export async function coachingRead(
  sql: Queryable,
  userId: string,
  settings: StaticConfig,
  trend?: Pick<WindowSpec, "kind" | "size">,
  view: CoachingView = {},
): Promise<CoachingRead | null> {
  const { readiness: config, rubrics, catalog } = settings;
  const [row] = await sql<
    {
      known: boolean;
      profile: { display_name: string | null; level: string | null; track: string | null } | null;
      history: Snapshot[];
      points: SessionPoint[];
      low: LowSkillRow[];
      averages: {
        skill_tag: string;
        avg_score: number;
        score_total: string | null;
        sample_size: number;
        session_count: number;
      }[];
    }[]
  >`
    select
      exists (select 1 from analytics.learners where user_id = ${userId}) as known,
      (select json_build_object('display_name', l.display_name, 'level', l.level, 'track', l.track)
       from analytics.learners l where l.user_id = ${userId}) as profile,
      (select coalesce(json_agg(${
    sql.unsafe(snapshotJson(true))
  } order by s.ts desc, s.id desc), '[]')
       from (
         select r.id, r.user_id, r.ts, r.readiness_overall, r.readiness_technical,
                r.readiness_communication, r.readiness_structure, r.readiness_behavioral, r.band,
                case when row_number() over (order by r.ts desc, r.id desc) <= 2 then r.meta
                     else jsonb_build_object('formula_version', r.meta -> 'formula_version')
                end as meta
         from analytics.user_readiness r
         where r.user_id = ${userId}
         order by r.ts desc, r.id desc
         limit ${GUIDANCE_HISTORY_LIMIT}
       ) s) as history,
      (select coalesce(json_agg(json_build_object(
                'skill_tag', p.skill_tag, 'session_id', p.session_id,
                'ts', ${sql.unsafe(isoText("p.ts"))}, 'score', p.score, 'total', p.total,
                'answers', p.answers)
              order by p.skill_tag, p.ts, p.session_id), '[]')
       from (
         select s.skill_tag, s.session_id, s.first_ts as ts, s.score, s.total::text as total,
                s.answers, s.rn
         from (${skillSessions(sql, { where: sql`e.user_id = ${userId}` })}) s
       ) p where p.rn <= ${config.low_skill.sessions}) as low,
      (select coalesce(json_agg(json_build_object(
                'skill_tag', a.skill_tag, 'avg_score', a.avg_score,
                'score_total', a.score_total::text, 'sample_size', a.sample_size,
                'session_count', a.session_count)), '[]')
       from analytics.user_skill_agg a
       where a.user_id = ${userId} and a.window_key = ${config.readiness_window}) as averages,
      ${trend ? sessionPointsJson(sql, userId, trend) : sql`'[]'::json`} as points`;
  if (!row.known) return null;
  // Only the latest two snapshots carry their whole meta: older ones feed the projection, which
  // reads their time, overall and band.
  const history = row.history;
  const reader: Reader = {
    ...LEARNER_READER,
    timeZone: view.timeZone ?? "UTC",
    ...(view.audience === "staff"
      ? {
        audience: "staff",
        name: learnerLabel({ user_id: userId, ...row.profile }),
      }
      : {}),
  };
  const coaching = coachingOf(
    history[0] ?? null,
    lowSkillsOf(row.low, config, catalog.skills),
    row.averages,
    config,
    catalog.skills,
    reader,
  );
  const now = view.now ?? Date.now();
  return {
    coaching: {
      ...coaching,
      ...buildGuidance({
        coaching,
        history,
        aggregates: row.averages,
        config,
        rubrics,
        skills: catalog.skills,
        now,
        reader,
      }),
    },
    history,
    points: row.points,
    reader,
  };
}
