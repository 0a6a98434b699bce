/** Request shape of a batch of scored answers, built from the skill and step lists in config/. */
import { z } from "zod";
import type { Catalog } from "../catalog.ts";
import { isoTimestamp, MAX_FUTURE_MS, printableKey, Vocabulary } from "../validation.ts";

export const MAX_ANSWERS_PER_REQUEST = 1000;

/** A 0–100 score: finite, in range. */
export const scoreValue = z.number().finite().min(0).max(100);

/** Skill tags of config/skills.json, matched by tag or label in any case. */
export function skillVocabulary(catalog: Catalog): Vocabulary {
  return new Vocabulary("skill tag", catalog.skills.map((s) => ({ key: s.tag, label: s.label })));
}

/** PULSE steps of config/pulse_steps.json, matched by key or label in any case. */
export function stepVocabulary(catalog: Catalog): Vocabulary {
  return new Vocabulary("pulse step", catalog.steps.map((s) => ({ key: s.step, label: s.label })));
}

/** zod schema for `POST /api/sessions/:sessionId/events` bodies. */
export function eventsRequestSchema(catalog: Catalog) {
  const skills = skillVocabulary(catalog);
  const steps = stepVocabulary(catalog);
  // Skill tags are the keys of `scores`: each is resolved to its canonical tag, and two spellings
  // of one skill in the same answer are refused rather than one silently winning.
  const scores = z.record(z.string(), scoreValue).transform((input, ctx) => {
    const out: Record<string, number> = {};
    const spelledAs: Record<string, string> = {};
    const tags = Object.keys(input);
    if (tags.length === 0) {
      ctx.addIssue({ code: "custom", message: "at least one skill score is required" });
    }
    for (const tag of tags) {
      const key = skills.resolve(tag);
      if (key === null) {
        ctx.addIssue({ code: "custom", path: [printableKey(tag)], message: skills.unknown(tag) });
      } else if (key in out) {
        ctx.addIssue({
          code: "custom",
          path: [printableKey(tag)],
          message: `'${printableKey(tag)}' and '${spelledAs[key]}' both name skill '${key}'`,
        });
      } else {
        out[key] = input[tag];
        spelledAs[key] = tag;
      }
    }
    return out;
  }).describe(
    `score (0–100) per skill tag; allowed: ${skills.allowed} ` +
      `(case-insensitive, labels accepted, stored as the tag)`,
  );
  const answer = z.object({
    answer_id: z.string().trim().min(1).max(200),
    ts: isoTimestamp({ maxFutureMs: MAX_FUTURE_MS }).describe(
      "when the answer was given (ISO 8601 with offset); at most 5 minutes in the future",
    ),
    pulse_step: steps.schema().describe(
      `PULSE step; allowed: ${steps.allowed} (case-insensitive, labels accepted, stored as the key)`,
    ),
    scores,
    raw_metrics: z.record(z.string(), z.unknown()).optional(),
    notes: z.string().max(4000).optional(),
  }).strict();
  return z.object({
    user_id: z.uuid(),
    scenario_id: z.string().trim().min(1).max(200),
    answers: z.array(answer).min(1).max(MAX_ANSWERS_PER_REQUEST).superRefine((answers, ctx) => {
      const seen = new Set<string>();
      answers.forEach((a, i) => {
        if (seen.has(a.answer_id)) {
          ctx.addIssue({
            code: "custom",
            path: [i, "answer_id"],
            message: `duplicate answer_id '${a.answer_id}' in one request`,
          });
        }
        seen.add(a.answer_id);
      });
    }),
  }).strict();
}

export type EventsRequest = z.infer<ReturnType<typeof eventsRequestSchema>>;
