/**
 * The API description at GET /api/openapi.json: generated from the routes' zod definitions, then
 * completed once, at start, with what every route shares and the generator cannot know: the
 * statuses that middleware sends (401/403 from auth, 400/413/415 for bodies, 503 while the database
 * is unavailable), operation ids, servers, license and the public health checks.
 */
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "./env.ts";

type Doc = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;
// deno-lint-ignore no-explicit-any -- the generated document is walked as plain JSON
type Json = any;

/**
 * `schema` or null. Use this instead of `.nullable()` on a named (`.openapi("Name")`) schema: the
 * generator drops the null from a nullable reference, and clients then crash on the null.
 */
export function nullableRef<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.null()]);
}

/** Stable names for client generators; routes may also set `operationId` themselves. */
const OPERATION_IDS: Record<string, string> = {
  "post /api/sessions/{sessionId}/events": "recordSessionEvents",
  "post /api/sessions/{sessionId}/complete": "completeSession",
  "get /api/sessions/{sessionId}/feedback": "getSessionFeedback",
  "put /api/learners/{userId}": "putLearnerProfile",
  "get /api/learners/{userId}": "getLearnerProfile",
  "get /api/users/{userId}/readiness": "getUserReadiness",
  "get /api/users/{userId}/skills/trends": "getUserSkillTrends",
  "get /api/users/{userId}/coaching": "getUserCoaching",
  "delete /api/users/{userId}": "eraseUser",
  "get /api/users/{userId}/export": "exportUser",
  "post /api/admin/recompute-readiness": "recomputeReadiness",
  "get /api/cohorts/time-to-readiness": "getTimeToReadiness",
  "get /healthz": "checkLiveness",
  "get /readyz": "checkReadiness",
  "get /metrics": "getMetrics",
  "get /api/openapi.json": "getOpenApiDocument",
};

const TAGS = [
  { name: "events", description: "Scored answers from the orchestrator" },
  { name: "sessions", description: "Session completion and feedback" },
  { name: "learners", description: "Learner profiles" },
  { name: "readiness", description: "Readiness score, trends and coaching" },
  { name: "users", description: "Privacy operations on a learner's data" },
  { name: "admin", description: "Administration" },
  { name: "cohorts", description: "Cohort questions" },
  { name: "health", description: "Liveness and readiness of the service" },
  { name: "meta", description: "This description" },
];

const HEALTH_TAG = ["health"];
const Health = z.object({ status: z.literal("ok") }).openapi("Liveness");
const Ready = z.object({
  status: z.enum(["ready", "not_ready"]),
  database: z.string().optional(),
  migrations: z.string().optional(),
  reason: z.string().optional().openapi({ description: "why the service is not ready" }),
  pending: z.array(z.string()).optional().openapi({ description: "pending migration versions" }),
}).openapi("ReadinessCheck");

/** Derived id for routes added without one: `get /api/users/{userId}/x` → `getUsersByUserIdX`. */
export function deriveOperationId(method: string, path: string): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const words = path.split("/").filter((s) => s && s !== "api").map((s) =>
    s.startsWith("{")
      ? `By${cap(s.slice(1, -1))}`
      : s.split(/[^A-Za-z0-9]+/).filter(Boolean).map(cap).join("")
  );
  return `${method.toLowerCase()}${words.join("")}`;
}

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/** Statuses every route of a kind can send, whether or not its definition lists them. */
function shared(op: Json, path: string, method: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  const hasInput = (op.parameters ?? []).length > 0;
  if (!isPublic) {
    out["401"] = errorResponse("Missing, invalid or expired bearer token");
    out["403"] = errorResponse("The token's role (or ownership) does not allow this");
  }
  if (hasInput) out["400"] = errorResponse("Invalid path or query parameters (zod issues)");
  if (op.requestBody) {
    out["400"] = errorResponse("Invalid input (zod issues)");
    out["413"] = errorResponse("Body larger than the limit (1 MiB)");
    out["415"] = errorResponse("Body is not application/json");
  }
  if (path.startsWith("/api/") && !(method === "get" && path === "/api/openapi.json")) {
    out["503"] = {
      ...errorResponse("Database (or storage) unavailable; retry after the given seconds"),
      headers: {
        "Retry-After": {
          description: "seconds to wait before retrying",
          schema: { type: "integer", minimum: 0 },
        },
      },
    };
  }
  return out;
}

/** Fills in what every operation shares (see the module comment); pure, for tests too. */
export function completeDocument(doc: Doc): Doc {
  const d: Json = structuredClone(doc);
  // 3.1 license (the generator's types know only 3.0's `url`).
  d.info.license ??= { name: "Proprietary", identifier: "LicenseRef-PULSE-Proprietary" };
  for (const [path, item] of Object.entries<Json>(d.paths ?? {})) {
    for (const [method, op] of Object.entries<Json>(item)) {
      if (!["get", "put", "post", "delete", "patch"].includes(method)) continue;
      const key = `${method} ${path}`;
      op.operationId ??= OPERATION_IDS[key] ?? deriveOperationId(method, path);
      for (const [status, response] of Object.entries(shared(op, path, method))) {
        op.responses[status] ??= response;
      }
      // A query or path value is a string on the wire: never null, whatever the zod coercion.
      for (const param of op.parameters ?? []) {
        if (Array.isArray(param.schema?.type)) {
          const types = param.schema.type.filter((t: string) => t !== "null");
          param.schema.type = types.length === 1 ? types[0] : types;
        }
      }
      op.tags ??= ["meta"];
      op.summary ??= key;
      op.description ??= op.summary;
    }
  }
  return d;
}

/** Registers the health checks and serves the completed document (built once, on first request). */
export function serveOpenApi(app: OpenAPIHono<AppEnv>): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "HS256 JWT signed with PULSE_AUTH_SECRET: `sub`, `role`, `exp` (required)",
  });
  registry.registerPath({
    method: "get",
    path: "/healthz",
    tags: HEALTH_TAG,
    summary: "Liveness: the process answers",
    security: [],
    responses: {
      200: { description: "Alive", content: { "application/json": { schema: Health } } },
    },
  });
  registry.registerPath({
    method: "get",
    path: "/readyz",
    tags: HEALTH_TAG,
    summary: "Readiness: the database is reachable and no migration is pending",
    security: [],
    responses: {
      200: { description: "Ready", content: { "application/json": { schema: Ready } } },
      503: { description: "Not ready", content: { "application/json": { schema: Ready } } },
    },
  });
  registry.registerPath({
    method: "get",
    path: "/api/openapi.json",
    tags: ["meta"],
    summary: "This API description (OpenAPI 3.1)",
    security: [],
    responses: {
      200: {
        description: "The document",
        content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
      },
    },
  });

  let document: Doc | null = null;
  app.get("/api/openapi.json", (c) => {
    document ??= completeDocument(app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "PULSE Analytics API",
        version: "1.0.0",
        description:
          "Longitudinal analytics store and readiness score of the PULSE trainer. Every call " +
          "except the health checks needs `Authorization: Bearer <JWT>`; errors are " +
          '`{ "error": { "code", "message", "issues"? } }`.',
        contact: { name: "PULSE Analytics team" },
      },
      servers: [{ url: "/", description: "The server that serves this document" }],
      tags: TAGS,
      security: [{ bearer: [] }],
    }));
    return c.json(document);
  });
}
