/** Shared by the per-learner readiness routes: path params, access check, session points. */
import { z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import { ApiError } from "../../../http/errors.ts";
import type { AppEnv } from "../../../http/env.ts";
import { assertCanReadLearner, callerOf } from "../../../http/auth.ts";

export const UserParams = z.object({ userId: z.uuid() });

/** Roles that may read a learner's readiness (learners only their own: see assertReadable). */
export const READER_ROLES = ["learner", "coach", "admin", "service"] as const;

/** 403 unless the caller may read `userId` (checked before any database work). */
export function assertReadable(c: Context<AppEnv>, userId: string): void {
  assertCanReadLearner(callerOf(c), userId);
}

/** The 404 of a user id that is not a known learner. */
export function unknownLearner(userId: string): ApiError {
  return new ApiError(404, "not_found", `No learner ${userId}`);
}

/** A 200 whose JSON body (of type `T`) was already serialised, sent as `c.json` would send it. */
export function jsonText<T>(c: Context<AppEnv>, body: string): TypedResponse<T, 200, "json"> {
  return c.body(body, 200, { "content-type": "application/json" }) as unknown as TypedResponse<
    T,
    200,
    "json"
  >;
}

export const SessionPoint = z.object({
  session_id: z.uuid(),
  ts: z.string().openapi({ description: "time of the session's first answer on the skill" }),
  score: z.number().openapi({ description: "average of the session's answers on the skill" }),
  answers: z.number().int(),
});
