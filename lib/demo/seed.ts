/**
 * Demo data: the named demo people and a cohort of ~200 generated learners (levels, tracks, two
 * cohorts; improvers, plateaus, decliners, drop-outs, late starters) with ~12 weeks of practice
 * sessions. Written set-based (session owners through the capture path's claim; sessions; events
 * as the capture path writes them, many learners a statement), then a readiness rebuild gives
 * every learner a snapshot per session, in event time. Deterministic ids and scores, so seeding
 * twice adds nothing.
 */
import type postgres from "postgres";
import type { EventRow } from "../sessions/answers.ts";
import { claimSessions } from "../sessions/owners.ts";
import type { Queryable, Sql } from "../db/mod.ts";
import { rebuildReadiness } from "../readiness/mod.ts";
import { lockLearners } from "../learners/lock.ts";
import { erasedLearners } from "../privacy/tombstones.ts";
import { lowSkillRule, refreshActivity } from "../sessions/activity.ts";
import type { EventsRequest } from "../sessions/schema.ts";
import { DEMO_LEARNERS, type DemoLearner } from "./people.ts";
import { seedDemoOutcomes } from "./outcomes.ts";
import type { Catalog } from "../catalog.ts";
import type { StaticConfig } from "../static_config.ts";
import { prng } from "./random.ts";

const DAY = 24 * 60 * 60 * 1000;
export const HISTORY_DAYS = 84;

/** A v4-shaped uuid derived from `rand`. */
function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = "4";
  hex[16] = "89ab"[Math.floor(rand() * 4)];
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export interface SeedResult {
  learners: number;
  sessions: number;
  eventsInserted: number;
  snapshots: number;
}

export interface DemoSession {
  sessionId: string;
  scenarioId: string;
  answers: EventsRequest["answers"];
}

/**
 * The practice history of demo learner `index`: the same ids, skills and scores on every call
 * (only the times follow `now`), so seeding again finds everything already stored.
 */
export function demoHistory(
  learner: DemoLearner,
  index: number,
  now: Date,
  catalog: Catalog,
): DemoSession[] {
  const STEPS = catalog.pulseSteps;
  const rand = prng(1000 + index);
  const start = now.getTime() - HISTORY_DAYS * DAY;
  return Array.from({ length: learner.sessions }, (_, i) => {
    const progress = learner.sessions === 1 ? 1 : i / (learner.sessions - 1);
    const hour = Math.floor(rand() * 8);
    const at = start + progress * (HISTORY_DAYS - 1) * DAY + hour * 60 * 60 * 1000;
    const sessionId = uuidFrom(rand);
    const answers = Array.from({ length: 6 }, (_, a) => {
      // Each answer is scored on two or three skills, as the orchestrator does.
      const skills = shuffled(catalog.skillTags, rand).slice(0, 2 + Math.floor(rand() * 2));
      return {
        answer_id: `q${a + 1}`,
        ts: new Date(at + a * 4 * 60 * 1000).toISOString(),
        pulse_step: STEPS[Math.min(STEPS.length - 1, Math.floor((a / 6) * STEPS.length))],
        scores: Object.fromEntries(skills.map((tag) => {
          const base = (learner.start[tag] ?? 50) + (learner.gain[tag] ?? 0) * progress;
          const score = Math.max(0, Math.min(100, base + (rand() - 0.5) * 16));
          return [tag, Math.round(score * 10) / 10];
        })),
        raw_metrics: {
          filler_words: Math.floor(rand() * 12),
          talk_time_s: 40 + Math.floor(rand() * 120),
        },
      };
    });
    return { sessionId, scenarioId: `${learner.track}-${learner.level}-${(i % 4) + 1}`, answers };
  });
}

/** Fisher–Yates shuffle driven by `rand`. */
function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** How a generated learner's scores move over their weeks of practice. */
export type Trajectory = "improver" | "plateau" | "decliner" | "dropout" | "late_starter";

/** A generated member of the demo cohort. */
export interface CohortLearner extends DemoLearner {
  trajectory: Trajectory;
  /** Days before now of the first and the last session. */
  firstDay: number;
  lastDay: number;
  /** Answers per session. */
  answers: number;
}

/** Learners in the generated cohort. */
export const COHORT_SIZE = 200;
export const COHORTS = ["2026-autumn", "2026-summer"];
const TRACKS = ["backend", "frontend", "data", "platform", "mobile"];
const TRAJECTORIES: Trajectory[] = ["improver", "plateau", "decliner", "dropout", "late_starter"];
const FIRST = [
  "Aiko",
  "Ben",
  "Carla",
  "Dev",
  "Elif",
  "Felix",
  "Grace",
  "Hugo",
  "Ines",
  "Jamal",
  "Kira",
  "Liam",
  "Mina",
  "Noah",
  "Olga",
  "Pablo",
  "Quinn",
  "Rosa",
  "Sven",
  "Tara",
  "Umar",
  "Vera",
  "Wei",
  "Yara",
];
const LAST = [
  "Adams",
  "Brandt",
  "Costa",
  "Diallo",
  "Eriksen",
  "Fischer",
  "Garcia",
  "Haddad",
  "Ito",
  "Jensen",
  "Kowalski",
  "Lopez",
  "Moreau",
  "Novak",
  "Ortiz",
  "Petrov",
  "Rossi",
  "Silva",
  "Tanaka",
  "Weber",
];

/**
 * The generated cohort: the same ids, profiles and trajectories on every call. Levels spread over
 * config/levels.json, five tracks, two cohorts; a fifth of each trajectory.
 */
export function demoCohort(catalog: Catalog, size = COHORT_SIZE): CohortLearner[] {
  const rand = prng(7000);
  const levels = catalog.levels;
  return Array.from({ length: size }, (_, i) => {
    const trajectory = TRAJECTORIES[i % TRAJECTORIES.length];
    const levelIndex = Math.floor(rand() * levels.length);
    // Higher levels start higher: 25 points for the first level up to 65 for the last.
    const base = 25 + (40 * levelIndex) / Math.max(1, levels.length - 1);
    const gainOf = () => {
      switch (trajectory) {
        case "improver":
          return 15 + rand() * 25;
        case "plateau":
          return rand() * 6 - 3;
        case "decliner":
          return -(8 + rand() * 14);
        case "dropout":
          return rand() * 10;
        case "late_starter":
          return 10 + rand() * 20;
      }
    };
    const start: Record<string, number> = {};
    const gain: Record<string, number> = {};
    for (const tag of catalog.skillTags) {
      start[tag] = Math.round(base + (rand() - 0.5) * 20);
      gain[tag] = Math.round(gainOf());
    }
    // Active learners practise until 2–6 days ago (the named people are the most recent);
    // drop-outs stopped 3–6 weeks ago; late starters began 2–5 weeks ago.
    const lastDay = trajectory === "dropout"
      ? 21 + Math.floor(rand() * 22)
      : 2 + Math.floor(rand() * 5);
    const firstDay = trajectory === "late_starter"
      ? 14 + Math.floor(rand() * 22)
      : HISTORY_DAYS - Math.floor(rand() * 10);
    const span = firstDay - lastDay;
    const sessions = Math.max(2, Math.min(18, Math.round(span / 7 * (1 + rand() * 1.5))));
    return {
      userId: uuidFrom(rand),
      name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`,
      level: levels[levelIndex],
      track: TRACKS[Math.floor(rand() * TRACKS.length)],
      cohort: COHORTS[i % 2],
      sessions,
      start,
      gain,
      trajectory,
      firstDay,
      lastDay,
      answers: 3 + Math.floor(rand() * 3),
    };
  });
}

/** The practice history of generated learner `index` (ids and scores fixed; times follow `now`). */
export function cohortHistory(
  learner: CohortLearner,
  index: number,
  now: Date,
  catalog: Catalog,
): DemoSession[] {
  const STEPS = catalog.pulseSteps;
  const rand = prng(9000 + index);
  return Array.from({ length: learner.sessions }, (_, i) => {
    const progress = learner.sessions === 1 ? 1 : i / (learner.sessions - 1);
    const day = learner.firstDay - progress * (learner.firstDay - learner.lastDay);
    const at = now.getTime() - day * DAY + Math.floor(rand() * 8) * 60 * 60 * 1000 -
      12 * 60 * 60 * 1000;
    const sessionId = uuidFrom(rand);
    const answers = Array.from({ length: learner.answers }, (_, a) => {
      const skills = shuffled(catalog.skillTags, rand).slice(0, 2 + Math.floor(rand() * 2));
      return {
        answer_id: `q${a + 1}`,
        ts: new Date(at + a * 4 * 60 * 1000).toISOString(),
        pulse_step:
          STEPS[Math.min(STEPS.length - 1, Math.floor((a / learner.answers) * STEPS.length))],
        scores: Object.fromEntries(skills.map((tag) => {
          const score = learner.start[tag] + learner.gain[tag] * progress + (rand() - 0.5) * 14;
          return [tag, Math.round(Math.max(0, Math.min(100, score)) * 10) / 10];
        })),
        raw_metrics: {
          filler_words: Math.floor(rand() * 12),
          talk_time_s: 40 + Math.floor(rand() * 120),
        },
      };
    });
    return { sessionId, scenarioId: `${learner.track}-${learner.level}-${(i % 4) + 1}`, answers };
  });
}

/**
 * Learners per statement (events) and per transaction (the readiness rebuild) while seeding: a
 * batch's sorts and hashes then fit in the embedded database's memory as it is at start-up, which
 * never gives back what it grows by.
 */
const LEARNERS_PER_STATEMENT = 50;
/**
 * Cohort learners per transaction: on the embedded database (one connection) a request that
 * arrives while the cohort is written waits for one such group at most (~0.1 s there).
 */
const COHORT_GROUP = 10;
/** How long a seed's replay waits for another recompute run to end, and how often it asks. */
const REPLAY_WAIT_MS = 120_000;
const REPLAY_RETRY_MS = 500;

/**
 * Inserts demo answers of many learners (`user_id` in every row) in one statement, as
 * insertEventRows does for one learner: rows already stored are left as they are, and the
 * learners with new rows are marked for the next incremental recompute. Returns how many were new.
 */
async function insertDemoEvents(
  tx: Queryable,
  rows: (Omit<EventRow, "notes"> & { user_id: string })[],
): Promise<number> {
  const [{ inserted }] = await tx<{ inserted: number }[]>`
    with input as (
      select * from jsonb_to_recordset(${tx.json(rows as unknown as postgres.JSONValue)}::jsonb)
        as r(user_id uuid, session_id uuid, answer_id text, ts timestamptz, scenario_id text,
             pulse_step text, skill_tag text, score numeric, raw_metrics jsonb)
    ), written as (
      insert into analytics.session_events
        (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score, raw_metrics)
      select user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score,
             raw_metrics
      from input
      on conflict (user_id, session_id, answer_id, skill_tag) do nothing
      returning user_id
    ), marked as (
      insert into analytics.readiness_pending (user_id, marked_at)
      select distinct user_id, now() from written
      on conflict (user_id) do update
        set version = analytics.readiness_pending.version + 1, marked_at = excluded.marked_at
    )
    select count(*)::int as inserted from written`;
  return inserted;
}

/** Which demo learners a call writes: the named people, the ~200-learner cohort, or both. */
export type SeedPart = "all" | "people" | "cohort";

type Person = { learner: DemoLearner; history: DemoSession[] };

/**
 * Seeds the demo people and the cohort (`part`; `cohort: false` is `part: "people"`). Safe to run
 * again. The people are written in one transaction, the cohort in transactions of COHORT_GROUP
 * learners.
 */
export async function seedDemo(
  sql: Sql,
  settings: StaticConfig,
  options: { now?: Date; log?: (line: string) => void; cohort?: boolean; part?: SeedPart } = {},
): Promise<SeedResult> {
  const { catalog } = settings;
  const now = options.now ?? new Date();
  const log = options.log ?? (() => {});
  const part = options.part ?? (options.cohort === false ? "people" : "all");
  const groups: Person[][] = [];
  if (part !== "cohort") {
    groups.push(DEMO_LEARNERS.map((learner, i) => ({
      learner,
      history: demoHistory(learner, i, now, catalog),
    })));
  }
  if (part !== "people") {
    const cohort = demoCohort(catalog).map((learner, i) => ({
      learner,
      history: cohortHistory(learner, i, now, catalog),
    }));
    for (let i = 0; i < cohort.length; i += COHORT_GROUP) {
      groups.push(cohort.slice(i, i + COHORT_GROUP));
    }
  }
  const result: SeedResult = { learners: 0, sessions: 0, eventsInserted: 0, snapshots: 0 };
  for (const people of groups) {
    const r = await seedGroup(sql, settings, people);
    result.learners += r.learners;
    result.sessions += r.sessions;
    result.eventsInserted += r.eventsInserted;
    result.snapshots += r.snapshots;
  }
  const what = part === "people"
    ? "demo people"
    : part === "cohort"
    ? "demo cohort learners"
    : "demo learners";
  log(
    `${result.learners} ${what}, ${result.sessions} sessions, ${result.eventsInserted} new events, ${result.snapshots} readiness snapshots`,
  );
  if (part !== "cohort") await seedDemoOutcomes(sql, DEMO_LEARNERS.map((l) => l.userId), { now });
  return result;
}

/**
 * Writes one group of demo learners (profiles, sessions, answers, kept rows) in one transaction,
 * then replays the readiness of those without snapshots yet.
 */
async function seedGroup(sql: Sql, settings: StaticConfig, group: Person[]): Promise<SeedResult> {
  let people = group;
  let ids = people.map((p) => p.learner.userId);
  const result: SeedResult = { learners: 0, sessions: 0, eventsInserted: 0, snapshots: 0 };
  const fresh = await sql.begin(async (tx) => {
    // The learners' locks first, as every writer of them takes them; an erased demo learner stays
    // erased (the seed, and a start that finishes the demo cohort, pass them over).
    await lockLearners(tx, ids);
    const erased = await erasedLearners(tx, ids);
    people = group.filter((p) => !erased.has(p.learner.userId));
    ids = people.map((p) => p.learner.userId);
    result.learners = people.length;
    if (ids.length === 0) return [];
    // Learners without snapshots yet get them from the rebuild below; the others keep theirs.
    const withSnapshots = new Set(
      (await tx<{ user_id: string }[]>`
        select distinct user_id::text from analytics.user_readiness
        where user_id = any(${ids}::uuid[])`).map((r) => r.user_id),
    );
    const profiles = people.map(({ learner: l }) => ({
      user_id: l.userId,
      display_name: l.name,
      level: l.level,
      track: l.track,
      cohort: l.cohort,
    }));
    await tx`
      insert into analytics.learners (user_id, display_name, level, track, cohort)
      select user_id, display_name, level, track, cohort
      from jsonb_to_recordset(${tx.json(profiles as unknown as postgres.JSONValue)}::jsonb)
        as p(user_id uuid, display_name text, level text, track text, cohort text)
      on conflict (user_id) do update set
        display_name = excluded.display_name, level = excluded.level, track = excluded.track,
        cohort = excluded.cohort`;
    const sessions = people.flatMap(({ learner, history }) =>
      history.map((s) => ({
        session_id: s.sessionId,
        user_id: learner.userId,
        scenario_id: s.scenarioId,
        started_at: s.answers[0].ts,
        completed_at: s.answers.at(-1)!.ts,
      }))
    );
    result.sessions = sessions.length;
    await claimSessions(tx, sessions);
    await tx`
      insert into analytics.sessions (session_id, user_id, scenario_id, started_at, completed_at)
      select session_id, user_id, scenario_id, started_at, completed_at
      from jsonb_to_recordset(${tx.json(sessions as unknown as postgres.JSONValue)}::jsonb)
        as s(session_id uuid, user_id uuid, scenario_id text, started_at timestamptz,
             completed_at timestamptz)
      on conflict (user_id, session_id) do nothing`;
    // A few statements of many learners each instead of one per learner (round trips and plans
    // are what a fresh embedded database spends its time on), small enough that the embedded
    // database's memory does not grow for them.
    for (let i = 0; i < people.length; i += LEARNERS_PER_STATEMENT) {
      const rows = people.slice(i, i + LEARNERS_PER_STATEMENT).flatMap(({ learner, history }) =>
        history.flatMap((s) =>
          s.answers.flatMap((a) =>
            Object.entries(a.scores).map(([skill_tag, score]) => ({
              user_id: learner.userId,
              session_id: s.sessionId,
              answer_id: a.answer_id,
              ts: a.ts,
              scenario_id: s.scenarioId,
              pulse_step: a.pulse_step,
              skill_tag,
              score,
              raw_metrics: a.raw_metrics ?? null,
            }))
          )
        )
      );
      // In key order: each index then grows at the end of a learner's range, not all over it.
      const key = (r: (typeof rows)[number]) => `${r.user_id} ${r.ts}`;
      rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      result.eventsInserted += await insertDemoEvents(tx, rows);
    }
    // What is kept of their answers (answer and session times, sessions per skill, persistently
    // low skills), as ingest keeps it: once for every learner.
    await refreshActivity(tx, people.map(({ learner }) => learner.userId), lowSkillRule(settings));
    return ids.filter((id) => !withSnapshots.has(id));
  });
  if (fresh.length > 0) {
    // One replay of every session of the new learners: a snapshot per session, in event time.
    // A recompute running elsewhere holds the runs' lock: wait for it (a skipped replay would
    // leave these learners without readiness).
    for (let waited = 0;; waited += REPLAY_RETRY_MS) {
      const rebuilt = await rebuildReadiness(sql, {
        userIds: fresh,
        trigger: "demo_seed",
        batchSize: LEARNERS_PER_STATEMENT,
        config: settings.readiness,
      });
      if (!rebuilt.skipped) {
        result.snapshots = rebuilt.snapshots;
        break;
      }
      if (waited >= REPLAY_WAIT_MS) {
        throw new Error("another readiness recompute kept running; run the seed again later");
      }
      await new Promise((r) => setTimeout(r, REPLAY_RETRY_MS));
    }
  }
  return result;
}

/**
 * True when the named demo people are in but not every learner of the demo cohort (erased ones
 * aside) has readiness yet (a start stopped while it wrote the cohort): the next start writes the
 * rest.
 */
export async function demoCohortIncomplete(sql: Queryable, catalog: Catalog): Promise<boolean> {
  const cohort = demoCohort(catalog).map((l) => l.userId);
  const [{ people, done }] = await sql<{ people: number; done: number }[]>`
    select (select count(*)::int from analytics.learners where user_id = ${DEMO_LEARNERS[0].userId})
             as people,
           (select count(*)::int from analytics.learner_latest where user_id = any(${cohort}::uuid[]))
             as done`;
  if (people === 0 || done === cohort.length) return false;
  // Erased cohort learners stay erased: they are not missing.
  return done < cohort.length - (await erasedLearners(sql, cohort)).size;
}
