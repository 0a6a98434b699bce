/**
 * Shapes of the legacy files that the import reads (documented in docs/transcripts.md): a
 * session's `scorecard.json` and a learner's `history_{userId}.json`, as zod schemas.
 */
import { z } from "zod";
import { scoreValue, skillVocabulary, stepVocabulary } from "../sessions/schema.ts";
import { printableKey } from "../validation.ts";
import { SCORE_COLUMNS } from "../sessions/scorecards.ts";
import type { Catalog } from "../catalog.ts";

/** A score as legacy files wrote it: a number or a numeric string, 0–100. */
const legacyScore = z.preprocess(
  (v) => (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
  scoreValue,
);
const timestamp = z.iso.datetime({ offset: true });

/** A scorecard.json: headline scores flat (`bce_score`) or nested (`scores.bce`/`scores.bce_score`). */
export const scorecardFile = z.looseObject({
  user_id: z.uuid().optional(),
  ts: timestamp.optional(),
  completed_at: timestamp.optional(),
  created_at: timestamp.optional(),
  ...Object.fromEntries(SCORE_COLUMNS.map((c) => [c, legacyScore.nullable().optional()])),
  scores: z.record(z.string(), legacyScore.nullable()).optional(),
});

/**
 * One entry of a history file: `scores: {skill: score}` or `skill_tag` + `score`. Steps and
 * skills are read with the API's own vocabularies (key or label, any case) and come out as the
 * canonical keys.
 */
export function historyEntry(catalog: Catalog) {
  const skills = skillVocabulary(catalog);
  return z.looseObject({
    user_id: z.uuid().optional(),
    session_id: z.uuid(),
    answer_id: z.union([z.string().trim().min(1).max(200), z.number().int()]).optional(),
    ts: timestamp,
    scenario_id: z.string().trim().min(1).max(200).optional(),
    pulse_step: stepVocabulary(catalog).schema().optional(),
    scores: z.record(z.string(), legacyScore).optional(),
    skill_tag: z.string().optional(),
    score: legacyScore.optional(),
    raw_metrics: z.record(z.string(), z.unknown()).nullable().optional(),
    notes: z.string().max(4000).nullable().optional(),
  }).superRefine((e, ctx) => {
    const single = e.skill_tag !== undefined || e.score !== undefined;
    if (single === (e.scores !== undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "give either scores {skill: score} or skill_tag + score",
      });
      return;
    }
    if (single && (e.skill_tag === undefined || e.score === undefined)) {
      ctx.addIssue({ code: "custom", message: "skill_tag and score go together" });
    }
    const tags = single ? [e.skill_tag ?? ""] : Object.keys(e.scores ?? {});
    if (tags.length === 0) ctx.addIssue({ code: "custom", message: "no scores" });
    const spelledAs: Record<string, string> = {};
    for (const tag of tags) {
      const key = skills.resolve(tag);
      const path = single ? ["skill_tag"] : ["scores", printableKey(tag)];
      if (key === null) ctx.addIssue({ code: "custom", path, message: skills.unknown(tag) });
      else if (key in spelledAs) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `'${printableKey(tag)}' and '${spelledAs[key]}' both name skill '${key}'`,
        });
      } else spelledAs[key] = tag;
    }
  }).transform((e) => ({
    ...e,
    // Canonical tags (validated above).
    skill_tag: e.skill_tag === undefined ? undefined : skills.resolve(e.skill_tag)!,
    scores: e.scores === undefined ? undefined : Object.fromEntries(
      Object.entries(e.scores).map(([tag, score]) => [skills.resolve(tag)!, score]),
    ),
  }));
}

/**
 * Parses a history file: a list of entries, or `{ user_id?, answers: [...] }` (or `history`).
 * The shape is picked first so that errors point into the entries rather than at a union.
 */
export function parseHistoryFile(catalog: Catalog, doc: unknown) {
  const entries = z.array(historyEntry(catalog));
  const key = doc !== null && typeof doc === "object" && "history" in doc && !("answers" in doc)
    ? "history"
    : "answers";
  const owner = z.uuid().optional();
  const schema = Array.isArray(doc)
    ? entries.transform((list) => ({ user_id: undefined as string | undefined, entries: list }))
    : key === "history"
    ? z.looseObject({ user_id: owner, history: entries })
      .transform((d) => ({ user_id: d.user_id, entries: d.history }))
    : z.looseObject({ user_id: owner, answers: entries })
      .transform((d) => ({ user_id: d.user_id, entries: d.answers }));
  return schema.safeParse(doc);
}

/** One validated entry of a history file. */
export type HistoryEntry = z.infer<ReturnType<typeof historyEntry>>;
