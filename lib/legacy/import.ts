/**
 * Import of the legacy on-disk JSON layout into Postgres (`deno task import-history DIR`):
 * `DIR/sessions/{sessionId}/scorecard.json` → analytics.scorecards and
 * `DIR/users/history_{userId}.json` (past scored answers) → analytics.session_events. The
 * accepted shapes are documented in docs/transcripts.md (zod schemas in shapes.ts). A scorecard is
 * placed by the same rule as the backfill's transcripts (place.ts): existing rows are skipped,
 * never updated; a bad file is logged and counted and does not stop the run. Files of an erased
 * learner are skipped (`skipped erased learner`).
 */
import type { Queryable, Sql } from "../db/mod.ts";
import { type EventRow, insertEventRows, SessionOwnerConflict } from "../sessions/answers.ts";
import { type Catalog } from "../catalog.ts";
import type { LowSkillRule } from "../sessions/activity.ts";
import { describeIssues, type Issue } from "../validation.ts";
import { documentSessionId, isUuid } from "../sessions/normalise.ts";
import { type LogSink, RunLog, type RunSummary } from "./run_log.ts";
import { type HistoryEntry, parseHistoryFile, scorecardFile } from "./shapes.ts";
import { claimSessions, sessionOwners } from "../sessions/owners.ts";
import { attachSessions } from "../sessions/attach.ts";
import { SCORE_COLUMNS, type ScoreColumn } from "../sessions/scorecards.ts";
import { findArtefacts, placeArtefacts, placement, refusal } from "./place.ts";
import { lockLearners } from "../learners/lock.ts";
import { erasedLearners, erasedSessions, wouldBeErased } from "../privacy/tombstones.ts";

export const IMPORT_LOG_PREFIX = "import_history";
/** Scenario of legacy answers that do not name one. */
export const LEGACY_SCENARIO = "legacy";
/** PULSE step of legacy answers that do not name one (not a configured step on purpose). */
export const LEGACY_STEP = "unknown";
const HISTORY_FILE = /^history_(.+)\.json$/;

export interface ImportOptions {
  dryRun?: boolean;
  /** Skills and steps a file may name (config/). */
  catalog: Catalog;
  /** The low-skill rule the learners' kept activity is judged by. */
  lowRule: LowSkillRule;
}

export interface ImportSummary extends RunSummary {
  /** session_events rows written (or, in a dry run, that would be). */
  eventsInserted: number;
  /** The learners those rows belong to, in order (their readiness history needs a rebuild). */
  learnersWithNewAnswers: string[];
}

/**
 * Every zod issue of a file as `path: message`, on one line. In a history file an issue inside an
 * answer names that answer first: its index and, when it has one, its answer_id.
 */
function describe(error: { issues: readonly Issue[] }, doc?: unknown): string {
  const answers = Array.isArray(doc)
    ? doc
    : (doc as { answers?: unknown; history?: unknown } | null)?.answers ??
      (doc as { history?: unknown } | null)?.history;
  const lines = error.issues.map((issue) => {
    let path = issue.path;
    let where = "";
    const at = doc === undefined ? -1 : path.findIndex((p) => typeof p === "number");
    if (at >= 0 && at <= 1 && Array.isArray(answers)) {
      const index = path[at] as number;
      const id = (answers[index] as { answer_id?: unknown } | null)?.answer_id;
      where = `answer ${index}${id === undefined ? "" : ` (answer_id ${JSON.stringify(id)})`} `;
      path = path.slice(at + 1);
    }
    const line = describeIssues([{ ...issue, path }], { path: "brackets", more: false });
    return `${where}${where && path.length === 0 ? ": " : ""}${line}`;
  });
  return lines.length > 1 ? `${lines.length} errors: ${lines.join("; ")}` : lines[0];
}

async function readJsonFile(path: string): Promise<{ ok: true; doc: unknown } | { ok: false }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { ok: false };
    throw error;
  }
  try {
    return { ok: true, doc: JSON.parse(text.replace(/^\uFEFF/, "")) };
  } catch (error) {
    throw new Error(`invalid JSON in ${path}: ${(error as Error).message}`);
  }
}

async function sortedEntries(dir: string, want: (e: Deno.DirEntry) => boolean): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (want(entry)) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return names.sort();
}

async function importScorecard(
  sql: Sql,
  folder: string,
  sessionDir: string,
  run: RunLog,
  dryRun: boolean,
): Promise<void> {
  let item = `scorecard ${folder}`;
  try {
    const file = await readJsonFile(`${sessionDir}/scorecard.json`);
    if (!file.ok) throw new Error(`${sessionDir}/scorecard.json disappeared during the run`);
    const rawId = documentSessionId(file.doc) ?? folder;
    if (!isUuid(rawId)) {
      return run.failed(`scorecard ${rawId}`, `session id '${rawId}' is not a UUID`);
    }
    const sessionId = rawId.toLowerCase();
    item = `scorecard ${sessionId}`;
    const parsed = scorecardFile.safeParse(file.doc);
    if (!parsed.success) {
      return run.failed(item, describeIssues(parsed.error.issues, { path: "brackets" }));
    }
    const card = parsed.data;
    let named = card.user_id?.toLowerCase() ?? null;
    if (!named) {
      const meta = await readJsonFile(`${sessionDir}/session.json`).catch(() => ({ ok: false }));
      const fromMeta = "doc" in meta ? (meta.doc as { user_id?: unknown })?.user_id : undefined;
      if (typeof fromMeta === "string" && isUuid(fromMeta)) named = fromMeta.toLowerCase();
    }
    const [found] = await findArtefacts(sql, "scorecard", [{ sessionId, named }]);
    const plan = placement(found, named);
    if (plan.kind === "refuse") return run.failed(item, refusal(sessionId));
    if (plan.kind === "skip") return run.skipped(item);
    const attach = plan.kind === "attach" ? ` (attached to learner ${plan.userId})` : "";
    if (dryRun) {
      if (await wouldBeErased(sql, [sessionId], plan.userId)) {
        return run.skippedErased(item);
      }
      return attach ? run.skipped(item + attach) : run.wouldInsert(item);
    }
    const scores: Partial<Record<ScoreColumn, number | null>> = {};
    for (const column of SCORE_COLUMNS) {
      const short = column.replace(/_score$/, "");
      scores[column] = (card[column] as number | null | undefined) ?? card.scores?.[column] ??
        card.scores?.[short] ?? null;
    }
    const scorecard = {
      sessionId,
      userId: plan.userId,
      ts: card.ts ?? card.completed_at ?? card.created_at ?? null,
      scores,
      json: file.doc,
    };
    const [placed] = await sql.begin((tx) =>
      placeArtefacts(tx, [{ kind: "scorecard", row: scorecard }])
    );
    if (placed.kind === "inserted") {
      run.inserted(placed.userId ? item : `${item} (learner unknown)`);
    } else if (placed.kind === "attached") {
      run.skipped(`${item} (attached to learner ${placed.userId})`);
    } else if (placed.kind === "erased") run.skippedErased(item);
    else if (placed.kind === "refused") run.failed(item, placed.error);
    else run.skipped(item);
  } catch (error) {
    run.failed(item, error);
  }
}

/**
 * Claims the sessions of a history for the learner and creates the learner and session rows;
 * refuses sessions of another learner. Transcripts and scorecards stored while those sessions'
 * learner was unknown are attached to the learner.
 */
async function upsertHistorySessions(tx: Queryable, userId: string, rows: EventRow[]) {
  const sessions = [...Map.groupBy(rows, (r) => r.session_id)].map(([session_id, rs]) => ({
    session_id,
    scenario_id: rs[0].scenario_id,
    started_at: rs.reduce((min, r) => (Date.parse(r.ts) < Date.parse(min) ? r.ts : min), rs[0].ts),
  }));
  const claims = sessions.map((s) => ({ session_id: s.session_id, user_id: userId }));
  const owners = await claimSessions(tx, claims);
  const theirs = sessions.map((s) => s.session_id).filter((s) => owners.get(s) !== userId);
  if (theirs.length > 0) {
    throw new SessionOwnerConflict(`session ${theirs.join(", ")} belongs to another learner`);
  }
  await tx`insert into analytics.learners (user_id) values (${userId}) on conflict (user_id) do nothing`;
  await tx`
    insert into analytics.sessions (session_id, user_id, scenario_id, started_at)
    select session_id, ${userId}, scenario_id, started_at
    from jsonb_to_recordset(${tx.json(sessions)}::jsonb)
      as r(session_id uuid, scenario_id text, started_at timestamptz)
    on conflict (user_id, session_id) do update
      set started_at = least(analytics.sessions.started_at, excluded.started_at)
      where excluded.started_at < analytics.sessions.started_at
         or analytics.sessions.started_at is null`;
  await attachSessions(tx, claims);
}

/** How many of a learner's `rows` are stored already (same session, answer and skill). */
async function presentEvents(sql: Queryable, userId: string, rows: EventRow[]): Promise<number> {
  const keys = rows.map(({ session_id, answer_id, skill_tag }) => ({
    session_id,
    answer_id,
    skill_tag,
  }));
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n
    from jsonb_to_recordset(${
    sql.json(keys)
  }::jsonb) as k(session_id uuid, answer_id text, skill_tag text)
    join analytics.session_events e
      on e.user_id = ${userId} and e.session_id = k.session_id and e.answer_id = k.answer_id
         and e.skill_tag = k.skill_tag`;
  return n;
}

/** The rows of a validated history, one per answer × skill, without repeats. */
function historyRows(entries: HistoryEntry[]): EventRow[] {
  const rows = new Map<string, EventRow>();
  for (const e of entries) {
    const ts = new Date(e.ts).toISOString();
    const scores = e.scores ?? { [e.skill_tag!]: e.score! };
    for (const [skill_tag, score] of Object.entries(scores)) {
      const row: EventRow = {
        session_id: e.session_id.toLowerCase(),
        // Legacy answers without an id are keyed by their time: stable from run to run.
        answer_id: e.answer_id === undefined ? `legacy:${ts}` : String(e.answer_id),
        ts,
        scenario_id: e.scenario_id ?? LEGACY_SCENARIO,
        pulse_step: e.pulse_step ?? LEGACY_STEP,
        skill_tag,
        score,
        raw_metrics: e.raw_metrics ?? null,
        notes: e.notes ?? null,
      };
      const key = `${row.session_id} ${row.answer_id} ${skill_tag}`;
      if (!rows.has(key)) rows.set(key, row);
    }
  }
  return [...rows.values()];
}

async function importHistory(
  sql: Sql,
  file: string,
  path: string,
  run: RunLog,
  summary: ImportSummary,
  options: { dryRun: boolean; catalog: Catalog; lowRule: LowSkillRule },
): Promise<void> {
  const fromName = HISTORY_FILE.exec(file)![1];
  let item = `history ${fromName}`;
  try {
    if (!isUuid(fromName)) {
      return run.failed(item, `user id '${fromName}' in the file name is not a UUID`);
    }
    const userId = fromName.toLowerCase();
    item = `history ${userId}`;
    const json = await readJsonFile(path);
    if (!json.ok) throw new Error(`${path} disappeared during the run`);
    const parsed = parseHistoryFile(options.catalog, json.doc);
    if (!parsed.success) return run.failed(item, describe(parsed.error, json.doc));
    const { entries } = parsed.data;
    const owners = [parsed.data.user_id, ...entries.map((e) => e.user_id)];
    const stranger = owners.find((u) => u !== undefined && u.toLowerCase() !== userId);
    if (stranger) return run.failed(item, `user_id ${stranger} does not match the file name`);
    const rows = historyRows(entries);
    if (options.dryRun) {
      // Read-only versions of the checks that the real run makes while writing.
      const sessionIds = [...new Set(rows.map((r) => r.session_id))];
      if (await wouldBeErased(sql, sessionIds, userId)) return run.skippedErased(item);
      const theirs = [...await sessionOwners(sql, sessionIds)].filter(([, u]) => u !== userId);
      if (theirs.length > 0) {
        const list = theirs.map(([s]) => s).join(", ");
        return run.failed(item, `session ${list} belongs to another learner`);
      }
      const present = await presentEvents(sql, userId, rows);
      const fresh = rows.length - present;
      summary.eventsInserted += fresh;
      if (fresh > 0) summary.learnersWithNewAnswers.push(userId);
      return fresh > 0
        ? run.wouldInsert(`${item} (${fresh} new events, ${present} already present)`)
        : run.skipped(`${item} (${present} events already present)`);
    }
    const inserted = rows.length === 0 ? 0 : await sql.begin(async (tx) => {
      // The learner's lock before any row lock: the one order of every writer of a learner's rows.
      await lockLearners(tx, [userId]);
      // After it: an erase that committed before is seen, one after it waits for this.
      const sessions = rows.map((r) => r.session_id);
      if (
        (await erasedLearners(tx, [userId])).size > 0 ||
        (await erasedSessions(tx, sessions)).size > 0
      ) return null;
      await upsertHistorySessions(tx, userId, rows);
      return await insertEventRows(tx, userId, rows, options.lowRule);
    });
    if (inserted === null) return run.skippedErased(item);
    summary.eventsInserted += inserted;
    if (inserted > 0) summary.learnersWithNewAnswers.push(userId);
    const present = rows.length - inserted;
    if (inserted > 0) run.inserted(`${item} (${inserted} new events, ${present} already present)`);
    else run.skipped(`${item} (${present} events already present)`);
  } catch (error) {
    run.failed(item, error);
  }
}

/** Imports every scorecard and history file under `dir`; returns the counts of the summary. */
export async function importHistoryDir(
  sql: Sql,
  dir: string,
  options: ImportOptions,
  log: LogSink,
): Promise<ImportSummary> {
  const dryRun = options.dryRun ?? false;
  const catalog = options.catalog;
  const run = new RunLog(IMPORT_LOG_PREFIX, dryRun, log);
  const summary = Object.assign(run.summary, {
    eventsInserted: 0,
    learnersWithNewAnswers: [],
  }) as ImportSummary;

  const sessionsDir = `${dir}/sessions`;
  for (const folder of await sortedEntries(sessionsDir, (e) => e.isDirectory)) {
    const sessionDir = `${sessionsDir}/${folder}`;
    try {
      if (!(await Deno.stat(`${sessionDir}/scorecard.json`)).isFile) continue;
    } catch {
      continue;
    }
    run.discovered();
    await importScorecard(sql, folder, sessionDir, run, dryRun);
  }

  const usersDir = `${dir}/users`;
  const histories = await sortedEntries(usersDir, (e) => e.isFile && HISTORY_FILE.test(e.name));
  for (const file of histories) {
    run.discovered();
    await importHistory(sql, file, `${usersDir}/${file}`, run, summary, {
      dryRun,
      catalog,
      lowRule: options.lowRule,
    });
  }
  if (summary.discovered === 0) {
    // A warning, not a failure: a drop folder imported on a schedule is often empty. A folder
    // that does not exist is refused before this (exit 2).
    log(
      `${IMPORT_LOG_PREFIX}: warning: nothing to import in ${dir} ` +
        `(expected sessions/<id>/scorecard.json or users/history_<user id>.json)`,
      "error", // stderr: the operator sees it even when stdout goes elsewhere
    );
  }
  return summary;
}
