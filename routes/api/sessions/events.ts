/** POST /api/sessions/:sessionId/events — the orchestrator's scored answers (idempotent). */
import { createRoute, z } from "@hono/zod-openapi";
import { captureEvents } from "../../../lib/sessions/answers.ts";
import { lowSkillRule } from "../../../lib/sessions/activity.ts";
import { eventsRequestSchema, MAX_ANSWERS_PER_REQUEST } from "../../../lib/sessions/schema.ts";
import { apiRouter, errorResponses } from "../../../http/errors.ts";
import { requireRole } from "../../../http/auth.ts";
import { SessionParams } from "./_shared.ts";
import type { StaticConfig } from "../../../lib/static_config.ts";

const CaptureResult = z.object({
  session_id: z.uuid(),
  rows: z.number().int().openapi({ description: "answer × skill rows in the request" }),
  inserted: z.number().int().openapi({ description: "rows written now" }),
  already_present: z.number().int().openapi({
    description: "rows that were stored by an earlier request",
  }),
}).openapi("CaptureResult");

/** The route; its request schema names the catalog's skills and steps. */
const routeOf = ({ catalog }: StaticConfig) =>
  createRoute({
    method: "post",
    path: "/{sessionId}/events",
    tags: ["events"],
    summary:
      `Store scored answers of a session (up to ${MAX_ANSWERS_PER_REQUEST} answers; retries add nothing)`,
    middleware: [requireRole("service", "admin")] as const,
    request: {
      params: SessionParams,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: eventsRequestSchema(catalog).openapi("EventsRequest"),
          },
        },
      },
    },
    responses: {
      200: { description: "Stored", content: { "application/json": { schema: CaptureResult } } },
      ...errorResponses(400, 401, 403, 409, 410, 413),
    },
  });

/** The route, built for the deployment's config/. */
export const eventsApi = (settings: StaticConfig) =>
  apiRouter().openapi(routeOf(settings), async (c) => {
    const { sessionId } = c.req.valid("param");
    return c.json(
      await captureEvents(c.get("sql"), sessionId, c.req.valid("json"), lowSkillRule(settings)),
      200,
    );
  });
