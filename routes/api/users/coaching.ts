/** GET /api/users/:userId/coaching — latest snapshot, persistently low skills and what to focus on next. */
import { createRoute, z } from "@hono/zod-openapi";
import { COMPONENTS, keptReadBody } from "../../../lib/readiness/mod.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { nullableRef } from "../../../http/openapi.ts";
import { callerOf, requireRole } from "../../../http/auth.ts";
import {
  assertReadable,
  jsonText,
  READER_ROLES,
  SessionPoint,
  unknownLearner,
  UserParams,
} from "./_shared.ts";
import { Snapshot } from "../../../http/schemas.ts";

const Coaching = z.object({
  user_id: z.uuid(),
  latest: nullableRef(Snapshot),
  persistently_low: z.array(z.object({
    skill_tag: z.string(),
    label: z.string(),
    component: z.enum(COMPONENTS).nullable(),
    sessions: z.array(SessionPoint.extend({
      total: z.string().openapi({
        description: "exact sum of the session's answer scores on the skill (a decimal)",
        example: "171.50",
      }),
    })).openapi({
      description: "the evidence: the last sessions touching the skill, oldest first",
    }),
  })),
  low_skill_rule: z.object({
    threshold: z.number(),
    sessions: z.number().int(),
    description: z.string(),
  }),
  focus: z.object({
    component: z.enum(COMPONENTS),
    label: z.string(),
    score: z.number(),
    weight: z.number(),
    weighted_gap: z.number().openapi({ description: "weight × (target − score)" }),
    skill_tag: z.string().nullable().openapi({ description: "the component's weakest skill" }),
    skill_label: z.string().nullable(),
  }).nullable().openapi({
    description: "the component with the largest weighted gap; null without a scored snapshot",
  }),
  message: z.string().openapi({ description: "one sentence for the audience" }),
  headline: z.string().openapi({
    description: "where the learner is: score, band and the points to the next band",
  }),
  audience: z.enum(["learner", "staff"]).openapi({
    description: "who the sentences speak to: the learner (second person) or staff (third " +
      "person, with the learner's display name)",
  }),
  skills: z.array(z.object({
    skill_tag: z.string(),
    label: z.string(),
    component: z.enum(COMPONENTS).nullable(),
    avg_score: z.number().nullable().openapi({ description: "readiness-window average" }),
    answers: z.number().int(),
    sessions: z.number().int(),
  })).openapi({ description: "every configured skill with its readiness-window evidence" }),
  next_band: z.object({
    label: z.string(),
    min: z.number(),
    points: z.number().openapi({ description: "points from overall to the band's threshold" }),
  }).nullable().openapi({ description: "null in the top band or without a banded score" }),
  next_step: z.object({
    skill_tag: z.string(),
    label: z.string(),
    score: z.number(),
    text: z.string().openapi({ description: "from config/rubrics.json" }),
  }).nullable().openapi({
    description: "one concrete step for the focus component's weakest skill",
  }),
  low_skills: z.array(z.object({
    priority: z.number().int().openapi({ description: "1 = most urgent (lowest mean)" }),
    skill_tag: z.string(),
    label: z.string(),
    mean: z.number(),
    since: z.string(),
    last: z.string(),
    scores: z.array(z.number()),
    text: z.string().openapi({ description: "for the audience, dated" }),
  })),
  acknowledgement: z.string().nullable().openapi({ description: "for learners in the top band" }),
  why_changed: z.object({
    since: z.string().openapi({ description: "time of the previous snapshot" }),
    from: z.number(),
    to: z.number(),
    delta: z.number(),
    parts: z.array(z.object({
      component: z.enum(COMPONENTS),
      label: z.string(),
      before: z.number().nullable(),
      after: z.number().nullable(),
      weight_before: z.number().nullable(),
      weight_after: z.number().nullable(),
      contribution: z.number().openapi({
        description: "after × weight_after − before × weight_before (applied weights)",
      }),
    })),
    rounding: z.number().openapi({ description: "delta − Σ contributions" }),
    formula_changed: z.boolean(),
    text: z.string(),
  }).nullable().openapi({ description: "the change since the previous snapshot, by component" }),
  projection: z.object({
    rule: z.object({
      min_snapshots: z.number().int(),
      min_days: z.number(),
      lookback_days: z.number(),
      max_horizon_days: z.number(),
      description: z.string(),
    }),
    shown: z.boolean(),
    reason: z.string().nullable().openapi({ description: "why not shown, and what is missing" }),
    target: z.number().nullable(),
    target_band: z.string().nullable(),
    snapshots_used: z.number().int(),
    days_covered: z.number(),
    points_per_week: z.number().nullable(),
    date: z.string().nullable().openapi({ description: "ISO day" }),
    earliest: z.string().nullable(),
    latest: z.string().nullable(),
    text: z.string().nullable(),
  }),
  missing: z.array(z.string()).openapi({ description: "evidence still missing, in plain words" }),
  rubric_version: z.string(),
}).openapi("Coaching");

const route = createRoute({
  method: "get",
  path: "/{userId}/coaching",
  tags: ["readiness"],
  summary: "What the learner should practise next (used to pick the next scenario)",
  middleware: [requireRole(...READER_ROLES)] as const,
  request: {
    params: UserParams,
    query: z.object({
      audience: z.enum(["learner", "staff"]).optional().openapi({
        description: 'who reads the sentences: learner ("You\'re at 76") or staff ("Maya is ' +
          'at 76"); default learner for a learner caller, staff otherwise',
      }),
    }),
  },
  responses: {
    200: { description: "Coaching", content: { "application/json": { schema: Coaching } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const coachingApi = apiRouter().openapi(route, async (c) => {
  const { userId } = c.req.valid("param");
  const { audience } = c.req.valid("query");
  assertReadable(c, userId);
  const reader = audience ?? (callerOf(c).role === "learner" ? "learner" : "staff");
  // The kept body with the projection computed as of now (one primary-key lookup), or built from
  // one statement: the learner check and everything coaching and guidance read.
  const body = await keptReadBody(
    c.get("sql"),
    userId,
    `coaching_${reader}`,
    c.get("settings"),
  );
  if (body === null) throw unknownLearner(userId);
  return jsonText<z.infer<typeof Coaching>>(c, body);
});
