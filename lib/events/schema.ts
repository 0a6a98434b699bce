/** Request shape of a batch of scored answers, built from the skill and step lists in config/. */
import { z } from "zod";
import type { Catalog } from "../static_config.ts";

export const MAX_ANSWERS_PER_REQUEST = 1000;

/** A 0–100 score: finite, in range. */
export const scoreValue = z.number().finite().min(0).max(100);

/** zod schema for `POST /api/sessions/:sessionId/events` bodies. */
export function eventsRequestSchema(catalog: Catalog) {
  const allowedSkills = new Set(catalog.skillTags);
  const answer = z.object({
    answer_id: z.string().trim().min(1).max(200),
    ts: z.iso.datetime({ offset: true }),
    pulse_step: z.enum(catalog.pulseSteps as [string, ...string[]]),
    scores: z.record(z.string(), scoreValue).superRefine((scores, ctx) => {
      const tags = Object.keys(scores);
      if (tags.length === 0) {
        ctx.addIssue({ code: "custom", message: "at least one skill score is required" });
      }
      for (const tag of tags) {
        if (!allowedSkills.has(tag)) {
          ctx.addIssue({
            code: "custom",
            path: [tag],
            message: `unknown skill tag '${tag}'; allowed: ${catalog.skillTags.join(", ")}`,
          });
        }
      }
    }),
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
