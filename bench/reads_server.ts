/**
 * The server under test of `deno task bench reads`: the app as `main.ts` builds it (logging on,
 * every middleware), on a server database, without the page assets. Settings from the environment:
 * BENCH_DATABASE_URL, BENCH_SECRET, BENCH_POOL (connections), BENCH_PORT.
 *
 * One route more, for the bench's ceiling row: `GET /bench/memory/:userId/readiness` is the
 * readiness route (the same middleware, role, parameter and owner checks, the same JSON text
 * response) answering one kept body held in memory instead of looking it up: everything a kept
 * read costs but the database.
 */
import { createRoute } from "@hono/zod-openapi";
import { createApp } from "../app.ts";
import { loadConfig } from "../lib/config.ts";
import { loadStaticConfig } from "../lib/static_config.ts";
import { createClient, SERVER_DEADLINE_MS } from "../lib/db/client.ts";
import { apiRouter } from "../http/errors.ts";
import { requireRole } from "../http/auth.ts";
import { readinessRequest } from "../routes/api/users/readiness.ts";
import { assertReadable, jsonText, READER_ROLES } from "../routes/api/users/_shared.ts";

const env = (name: string) => {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

// The pool as main.ts opens it on a server database: every statement under the server's deadline.
const sql = createClient(env("BENCH_DATABASE_URL"), {
  max: Number(env("BENCH_POOL")),
  deadlineMs: SERVER_DEADLINE_MS,
});
const config = { ...loadConfig({}), authSecret: env("BENCH_SECRET") };
const app = createApp({ sql, config, settings: loadStaticConfig() });

// The kept body of the first learner, answered for whichever learner is asked.
const [kept] = await sql<{ body: string }[]>`
  select body from analytics.readiness_reads order by user_id limit 1`;
const memory = apiRouter().openapi(
  createRoute({
    method: "get",
    path: "/{userId}/readiness",
    middleware: [requireRole(...READER_ROLES)] as const,
    request: readinessRequest,
    responses: { 200: { description: "a kept body from memory" } },
  }),
  async (c) => {
    const { userId } = c.req.valid("param");
    assertReadable(c, userId);
    // The same await as the route's lookup, without the database behind it.
    const body = await Promise.resolve(kept.body);
    return jsonText(c, body);
  },
);
app.route("/bench/memory", memory);

Deno.serve(
  { hostname: "127.0.0.1", port: Number(env("BENCH_PORT")), onListen: () => {} },
  app.fetch,
);
