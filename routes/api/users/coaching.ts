/** GET /api/users/:userId/coaching — latest snapshot, persistently low skills and what to focus on next. */
import { createRoute, z } from "@hono/zod-openapi";
import { coachingFor, COMPONENTS, readinessConfig } from "../../../lib/readiness/mod.ts";
import { apiRouter, errorResponses } from "../../_errors.ts";
import { nullableRef } from "../_openapi.ts";
import { requireRole } from "../../_middleware.ts";
import { readableLearner, READER_ROLES, SessionPoint, Snapshot, UserParams } from "./_shared.ts";

const Coaching = z.object({
  user_id: z.uuid(),
  latest: nullableRef(Snapshot),
  persistently_low: z.array(z.object({
    skill_tag: z.string(),
    label: z.string(),
    component: z.enum(COMPONENTS).nullable(),
    sessions: z.array(SessionPoint).openapi({
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
  message: z.string().openapi({ description: "one learner-facing sentence" }),
}).openapi("Coaching");

const route = createRoute({
  method: "get",
  path: "/{userId}/coaching",
  tags: ["readiness"],
  summary: "What the learner should practise next (used to pick the next scenario)",
  middleware: [requireRole(...READER_ROLES)] as const,
  request: { params: UserParams },
  responses: {
    200: { description: "Coaching", content: { "application/json": { schema: Coaching } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const coachingApi = apiRouter().openapi(route, async (c) => {
  const { userId } = c.req.valid("param");
  await readableLearner(c, userId);
  const coaching = await coachingFor(c.get("sql"), userId, readinessConfig);
  return c.json({ user_id: userId.toLowerCase(), ...coaching }, 200);
});
