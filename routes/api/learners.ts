/** GET and PUT /api/learners/:userId — learner profile (level, track, cohort). */
import { createRoute, z } from "@hono/zod-openapi";
import {
  getProfile,
  type LearnerProfile,
  profileSchema,
  saveProfile,
} from "../../lib/learners/profile.ts";
import { catalog } from "../../lib/static_config.ts";
import { ApiError, apiRouter, errorResponses } from "../_errors.ts";
import { assertCanReadLearner, callerOf, requireRole } from "../_middleware.ts";

const Profile = z.object({
  user_id: z.uuid(),
  level: z.string().nullable(),
  track: z.string().nullable(),
  cohort: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("LearnerProfile");

const route = createRoute({
  method: "put",
  path: "/{userId}",
  tags: ["learners"],
  summary: "Create or update a learner profile (omitted fields keep their value)",
  middleware: [requireRole("service", "admin")] as const,
  request: {
    params: z.object({ userId: z.uuid() }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: profileSchema(catalog).openapi("LearnerProfileInput"),
        },
      },
    },
  },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: Profile } } },
    201: { description: "Created", content: { "application/json": { schema: Profile } } },
    ...errorResponses(400, 401, 403, 410),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/{userId}",
  tags: ["learners"],
  summary: "A learner's profile (the learner themself, coach, admin, service)",
  middleware: [requireRole("learner", "coach", "admin", "service")] as const,
  request: { params: z.object({ userId: z.uuid() }) },
  responses: {
    200: { description: "The profile", content: { "application/json": { schema: Profile } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

const asJson = (profile: LearnerProfile) => ({
  ...profile,
  created_at: profile.created_at.toISOString(),
  updated_at: profile.updated_at.toISOString(),
});

export const learnersApi = apiRouter()
  .openapi(route, async (c) => {
    const { userId } = c.req.valid("param");
    const { profile, created } = await saveProfile(c.get("sql"), userId, c.req.valid("json"));
    return created ? c.json(asJson(profile), 201) : c.json(asJson(profile), 200);
  })
  .openapi(getRoute, async (c) => {
    const { userId } = c.req.valid("param");
    assertCanReadLearner(callerOf(c), userId);
    const profile = await getProfile(c.get("sql"), userId);
    if (!profile) throw new ApiError(404, "not_found", `No learner ${userId}`);
    return c.json(asJson(profile), 200);
  });
