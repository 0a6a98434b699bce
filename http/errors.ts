/** One error shape for the whole API: `{ error: { code, message, issues? } }`. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "../lib/db/errors.ts";
import { DomainConflict } from "../lib/errors.ts";
import { log } from "../lib/log.ts";
import { describeIssues } from "../lib/validation.ts";
import type { AppEnv } from "./env.ts";
import { LearnerErasedError } from "../lib/privacy/tombstones.ts";

export interface ErrorIssue {
  path: (string | number)[];
  message: string;
  code?: string;
}

/** An expected failure with a status, a stable code and a reason for the caller. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(status, { message });
  }
}

/** 400 carrying the zod issues. */
export function validationError(error: ZodError, where = "request"): ApiError {
  const issues = error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
    message: i.message,
    code: i.code,
  }));
  return new ApiError(
    400,
    "invalid_request",
    `The ${where} is invalid: ${describeIssues(issues)}`,
    issues,
  );
}

const STATUS_CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/** The HTTP meaning of a domain failure thrown by lib/ (the one place they map to statuses). */
function fromDomain(err: unknown): ApiError | null {
  if (err instanceof DomainConflict) return new ApiError(409, "conflict", err.message);
  return null;
}

/** Renders every thrown error as the one error shape; unexpected ones as a logged 500. */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const known = err instanceof ApiError ? err : fromDomain(err);
  if (known) {
    return c.json(
      { error: { code: known.code, message: known.message, issues: known.issues } },
      known.status,
    );
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return c.json({
      error: { code: STATUS_CODES[status] ?? "error", message: err.message || "Request failed" },
    }, status);
  }
  if (err instanceof LearnerErasedError) {
    return c.json({ error: { code: "learner_erased", message: err.message } }, 410);
  }
  if (isDatabaseUnavailable(err)) {
    // An outage, not a defect: the caller retries; the pool reconnects by itself.
    c.header("retry-after", String(RETRY_AFTER_SECONDS));
    return c.json({
      error: { code: "database_unavailable", message: "The database is unavailable; retry later" },
    }, 503);
  }
  log.error("unhandled error", { error: String(err), stack: (err as Error)?.stack });
  return c.json({ error: { code: "internal", message: "Internal server error" } }, 500);
};

/** Throws a 4xx error when a zod validation of a request part failed (OpenAPIHono defaultHook). */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target?: string },
  _c: Context,
): void {
  if (!result.success) {
    throw validationError(
      result.error,
      result.target === "json" ? "request body" : `${result.target ?? "request"}`,
    );
  }
}

/** A Hono sub-app for an API group: OpenAPI-described routes whose validation fails as our 400. */
export function apiRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** OpenAPI description of the error body, for route definitions. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(
      z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }),
    ).optional(),
  }),
}).openapi("Error");

/** Standard error responses for route definitions. */
export function errorResponses(
  ...statuses: (400 | 401 | 403 | 404 | 409 | 410 | 413 | 503)[]
) {
  const descriptions: Record<number, string> = {
    400: "Invalid input (zod issues)",
    401: "Missing or invalid bearer token",
    403: "Role or ownership does not allow this",
    404: "Not found",
    409: "Conflicts with stored data",
    410: "The learner was erased: their data is not accepted (code learner_erased)",
    413: "Body larger than 1 MiB",
    503: "Not ready",
  };
  return Object.fromEntries(statuses.map((s) => [s, {
    description: descriptions[s],
    content: { "application/json": { schema: ErrorBody } },
  }]));
}
