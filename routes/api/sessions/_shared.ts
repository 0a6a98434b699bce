/** Shared by the per-session routes (events, completion, feedback): the path params. */
import { z } from "@hono/zod-openapi";

export const SessionParams = z.object({ sessionId: z.uuid() });
