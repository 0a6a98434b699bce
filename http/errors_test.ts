import assert from "node:assert/strict";
import { Hono } from "hono";
import { DomainConflict } from "../lib/errors.ts";
import { SessionOwnerConflict } from "../lib/sessions/answers.ts";
import type { AppEnv } from "./env.ts";
import { ApiError, onError } from "./errors.ts";

function appThrowing(error: Error) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.get("/", () => {
    throw error;
  });
  return app;
}

Deno.test("a domain conflict thrown anywhere answers 409 conflict with its message", async () => {
  for (const error of [new DomainConflict("taken"), new SessionOwnerConflict("taken")]) {
    const res = await appThrowing(error).request("/");
    assert.equal(res.status, 409);
    assert.deepEqual(await res.json(), { error: { code: "conflict", message: "taken" } });
  }
});

Deno.test("an ApiError keeps its status, code and message", async () => {
  const res = await appThrowing(new ApiError(404, "not_found", "No learner x")).request("/");
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: { code: "not_found", message: "No learner x" } });
});
