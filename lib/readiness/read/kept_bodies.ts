/**
 * The bodies of `GET /api/users/:userId/skills/trends` (default window) and
 * `GET /api/users/:userId/coaching` (per audience), kept per learner in `analytics.learner_reads`
 * as the JSON text the API answers, so the read is one primary-key lookup.
 *
 * Every write of what they are built from — answers (ingest, history import), aggregates and
 * snapshots (completion, compute, recompute, rebuild), the profile (the name staff read) — deletes
 * the learner's rows in its own transaction, after the learner's lock (`forgetLearnerReads`). The
 * next read builds the body as before and keeps it in one transaction that holds the learner's
 * lock (taken without waiting: when a writer holds it, the read answers the built body and keeps
 * nothing). So a kept body is always the one the learner's committed data gives, and a batch
 * recompute pays only a delete, not a rebuild of bodies nobody may read.
 *
 * Coaching's projection is measured from the time of the read ("around 12 March", "practice
 * stopped…"), so it is not kept: the row holds the text before and after the projection's value and
 * what the projection is computed from (the reader's name and the scored snapshots of the lookback
 * before the newest), and each read computes it (a few arithmetic operations on at most a few dozen
 * points) and puts the three together. The result is byte for byte the built body.
 */
import { createHash } from "node:crypto";
import type { Queryable, Sql } from "../../db/mod.ts";
import { type WindowSpec, windowSpec } from "../config.ts";
import { coachingOf } from "../coaching.ts";
import { buildGuidance } from "../guidance/mod.ts";
import { projectReadiness } from "../guidance/projection.ts";
import type { Snapshot } from "../snapshot.ts";
import type { Audience, Reader } from "../text.ts";
import { skillSessions, snapshotJson } from "../sql.ts";
import { lockLearners, tryLockLearner } from "../../learners/lock.ts";
import { type CoachingRead, coachingRead } from "./coaching.ts";
import { sessionPointsJson, trendsData } from "./trends.ts";
import { trendsBody } from "./trends_body.ts";
import { lookUpKept } from "./kept_lookup.ts";
import type { StaticConfig } from "../../static_config.ts";

/** The reads kept per learner. */
export type KeptRead = "trends" | "coaching_learner" | "coaching_staff";

/**
 * The trends window kept: the default one, when it is a last-N-sessions window (a days window
 * moves with the time of the read, so its body is always built); null when none is kept.
 */
export function keptTrendWindow(settings: StaticConfig): WindowSpec | null {
  const window = windowSpec(settings.readiness, settings.readiness.trend_window);
  return window.kind === "sessions" ? window : null;
}

/** Every read kept per learner under `settings`. */
export function keptReads(settings: StaticConfig): KeptRead[] {
  return [
    ...(keptTrendWindow(settings) ? ["trends" as const] : []),
    "coaching_learner",
    "coaching_staff",
  ];
}

const builders = new WeakMap<StaticConfig, string>();

/**
 * Identifies the builder: the code that builds the bodies and the configuration they are built
 * from (windows, bands, rubrics, skills). A kept body of another builder is not used.
 */
export function readsBuilder(settings: StaticConfig): string {
  let builder = builders.get(settings);
  if (builder === undefined) {
    builder = createHash("sha256")
      .update([
        "learner-reads-1",
        JSON.stringify(settings.readiness),
        JSON.stringify(settings.rubrics),
        JSON.stringify(settings.catalog),
        trendsBody.toString(),
        trendsData.toString(),
        sessionPointsJson.toString(),
        skillSessions.toString(),
        coachingRead.toString(),
        coachingOf.toString(),
        buildGuidance.toString(),
        snapshotJson(true),
      ].join("\n"))
      .digest("hex")
      .slice(0, 16);
    builders.set(settings, builder);
  }
  return builder;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Stands for the projection's value while the body is cut around it (no stored text has NUL). */
const MARK = JSON.stringify("\u0000projection");

/** A kept row: the body, or (coaching) the text around the projection and its inputs. */
interface Kept {
  body: string;
  tail: string | null;
  projection: string | null;
}

/** What the projection is computed from at read time. */
interface ProjectionInput {
  /** The reader's name (staff), or "" (the learner). */
  name: string;
  /** The scored snapshots within the lookback before the newest one, newest first. */
  points: [ts: string, overall: number, band: string][];
}

/** The coaching body as the API answers it, as of `now`. */
export function coachingText(userId: string, read: CoachingRead): string {
  return JSON.stringify({ user_id: userId.toLowerCase(), ...read.coaching });
}

/** The kept form of a coaching read: the text around its projection, and the projection's inputs. */
function keptCoaching(userId: string, read: CoachingRead, settings: StaticConfig): Kept {
  const text = JSON.stringify({
    user_id: userId.toLowerCase(),
    ...read.coaching,
    projection: "\u0000projection",
  });
  const at = text.indexOf(MARK);
  const scored = read.history.filter((s) =>
    s.overall !== null && s.band !== settings.readiness.minimum_evidence.label
  );
  const newest = scored.length ? Date.parse(scored[0].ts) : 0;
  const lookback = settings.rubrics.projection.lookback_days * DAY_MS;
  const input: ProjectionInput = {
    name: read.reader.audience === "staff" ? read.reader.name : "",
    points: scored.filter((s) => newest - Date.parse(s.ts) <= lookback)
      .map((s) => [s.ts, s.overall!, s.band!]),
  };
  return {
    body: text.slice(0, at),
    tail: text.slice(at + MARK.length),
    projection: JSON.stringify(input),
  };
}

/**
 * The kept coaching text as of `now`, or null when the kept inputs do not cover `now` (a snapshot
 * dated after it: the projection then needs the whole history, so the body is built).
 */
function coachingAt(
  kept: Kept,
  audience: Audience,
  now: number,
  settings: StaticConfig,
): string | null {
  const input: ProjectionInput = JSON.parse(kept.projection!);
  if (input.points.length > 0 && Date.parse(input.points[0][0]) > now) return null;
  const reader: Reader = { audience, name: input.name, timeZone: "UTC" };
  const history = input.points.map(([ts, overall, band]) => ({ ts, overall, band }));
  const projection = projectReadiness(
    history as Pick<Snapshot, "ts" | "overall" | "band">[],
    settings.readiness,
    settings.rubrics,
    { now, reader },
  );
  return kept.body + JSON.stringify(projection) + kept.tail;
}

/** Builds one read of `userId` from their data (null: not a learner), with the text it answers. */
async function build(
  sql: Queryable,
  userId: string,
  read: KeptRead,
  now: number,
  settings: StaticConfig,
): Promise<{ text: string; kept: Kept } | null> {
  const window = keptTrendWindow(settings);
  if (read === "trends" && window) {
    const body = await trendsBody(sql, userId, window, settings.catalog);
    if (!body) return null;
    const text = JSON.stringify(body);
    return { text, kept: { body: text, tail: null, projection: null } };
  }
  const audience = read === "coaching_staff" ? "staff" : "learner";
  const r = await coachingRead(sql, userId, settings, undefined, { audience, now });
  if (!r) return null;
  return { text: coachingText(userId, r), kept: keptCoaching(userId, r, settings) };
}

/** Writes kept rows (the caller holds the learners' locks). */
async function store(
  tx: Queryable,
  rows: { user_id: string; read: KeptRead; kept: Kept }[],
  settings: StaticConfig,
): Promise<void> {
  if (rows.length === 0) return;
  await tx`
    insert into analytics.learner_reads as k (user_id, read, builder, body, tail, projection)
    select u, r, ${readsBuilder(settings)}, b, t, p
    from unnest(${rows.map((r) => r.user_id)}::uuid[], ${rows.map((r) => r.read)}::text[],
                ${rows.map((r) => r.kept.body)}::text[], ${rows.map((r) => r.kept.tail)}::text[],
                ${rows.map((r) => r.kept.projection)}::text[]) as x(u, r, b, t, p)
    on conflict (user_id, read) do update
      set builder = excluded.builder, body = excluded.body, tail = excluded.tail,
          projection = excluded.projection`;
}

/**
 * The body of `read` for `userId` as JSON text, as of `now`: the kept one when there is one from
 * this builder, else built and kept (when the learner's lock is free). Null: not a learner.
 */
export async function keptReadBody(
  sql: Sql,
  userId: string,
  read: KeptRead,
  settings: StaticConfig,
  now: number = Date.now(),
): Promise<string | null> {
  const audience = read === "coaching_staff" ? "staff" : "learner";
  const builder = readsBuilder(settings);
  // With the concurrent reads of other learners (kept_lookup.ts): one primary-key probe each.
  const row = await lookUpKept(
    sql,
    `${read} ${builder}`,
    userId,
    (q, ids) =>
      q<(Kept & { user_id: string })[]>`
      select user_id, body, tail, projection from analytics.learner_reads
      where user_id = any(${ids}::uuid[]) and read = ${read} and builder = ${builder}`,
  );
  if (row) {
    const text = read === "trends" ? row.body : coachingAt(row, audience, now, settings);
    if (text !== null) return text;
    return (await build(sql, userId, read, now, settings))?.text ?? null;
  }
  return await sql.begin(async (tx) => {
    // Whoever holds the lock is writing the learner's data: this body is answered, not kept.
    const locked = await tryLockLearner(tx, userId);
    const built = await build(tx, userId, read, now, settings);
    if (built && locked) {
      await store(tx, [{ user_id: userId.toLowerCase(), read, kept: built.kept }], settings);
    }
    return built?.text ?? null;
  });
}

/**
 * Builds and keeps every kept read of `userIds` (the caller holds their locks): one statement per
 * learner and read, sent together, and one write.
 */
export async function keepLearnerReads(
  tx: Queryable,
  userIds: string[],
  settings: StaticConfig,
): Promise<void> {
  const now = Date.now();
  const jobs = userIds.flatMap((id) => keptReads(settings).map((read) => ({ id, read })));
  const built = await Promise.all(jobs.map((j) => build(tx, j.id, j.read, now, settings)));
  await store(
    tx,
    jobs.flatMap((j, i) => {
      const b = built[i];
      return b ? [{ user_id: j.id.toLowerCase(), read: j.read, kept: b.kept }] : [];
    }),
    settings,
  );
}

/**
 * Builds and keeps the trends and coaching bodies of every learner who lacks one from this builder
 * (after an upgrade, or to have every body kept before the first reads). Batches of `batchSize`,
 * one transaction each after the batch's locks, `concurrency` transactions at a time (default 1);
 * returns how many learners it wrote.
 */
export async function fillLearnerReads(
  sql: Sql,
  settings: StaticConfig,
  batchSize: number,
  concurrency = 1,
): Promise<number> {
  const ids = (await sql<{ user_id: string }[]>`
    select l.user_id from analytics.learners l
    where (select count(*) from analytics.learner_reads k
           where k.user_id = l.user_id and k.builder = ${readsBuilder(settings)})
             < ${keptReads(settings).length}
    order by l.user_id`).map((r) => r.user_id);
  let next = 0;
  const worker = async () => {
    for (let i = next; i < ids.length; i = next) {
      next += batchSize;
      const batch = ids.slice(i, i + batchSize);
      await sql.begin(async (tx) => {
        await lockLearners(tx, batch);
        await keepLearnerReads(tx, batch, settings);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids.length;
}
