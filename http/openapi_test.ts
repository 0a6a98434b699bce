import assert from "node:assert/strict";
import { completeDocument, deriveOperationId } from "./openapi.ts";

Deno.test("operation ids for routes added without one", () => {
  assert.equal(deriveOperationId("get", "/api/users/{userId}/export"), "getUsersByUserIdExport");
  assert.equal(deriveOperationId("delete", "/api/users/{userId}"), "deleteUsersByUserId");
  assert.equal(deriveOperationId("get", "/metrics"), "getMetrics");
});

Deno.test("the document gets the statuses every route shares, and keeps its own", () => {
  const op = (extra: Record<string, unknown>) => ({
    responses: { 200: { description: "ok" }, 404: { description: "mine" } },
    ...extra,
  });
  const doc = completeDocument({
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      "/api/things/{id}": {
        post: op({
          parameters: [{
            name: "id",
            in: "path",
            required: true,
            schema: { type: ["string", "null"] },
          }],
          requestBody: { content: { "application/json": { schema: {} } } },
        }),
      },
      "/healthz": { get: op({ security: [] }) },
    },
  } as never) as never as {
    info: { license: { name: string } };
    paths: Record<
      string,
      Record<
        string,
        Record<string, never> & {
          responses: object;
          operationId: string;
          parameters?: { schema: { type: unknown } }[];
        }
      >
    >;
  };
  const post = doc.paths["/api/things/{id}"].post;
  assert.deepEqual(Object.keys(post.responses).sort(), [
    "200",
    "400",
    "401",
    "403",
    "404",
    "413",
    "415",
    "503",
  ]);
  assert.equal(
    (post.responses as Record<string, { description: string }>)["404"].description,
    "mine",
  );
  assert.equal(post.operationId, "postThingsById");
  assert.equal(post.parameters![0].schema.type, "string");
  assert.deepEqual(Object.keys(doc.paths["/healthz"].get.responses).sort(), ["200", "404"]);
  assert.ok(doc.info.license.name);
});
