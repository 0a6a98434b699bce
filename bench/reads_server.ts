/**
 * The server under test of `deno task bench reads`: the app as `main.ts` builds it (logging on,
 * every middleware), on a server database, without the page assets. Settings from the environment:
 * BENCH_DATABASE_URL, BENCH_SECRET, BENCH_POOL (connections), BENCH_PORT.
 */
import { createApp } from "../app.ts";
import { loadConfig } from "../lib/config.ts";
import { loadStaticConfig } from "../lib/static_config.ts";
import { createClient } from "../lib/db/client.ts";

const env = (name: string) => {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const sql = createClient(env("BENCH_DATABASE_URL"), { max: Number(env("BENCH_POOL")) });
const config = { ...loadConfig({}), authSecret: env("BENCH_SECRET") };
const app = createApp({ sql, config, settings: loadStaticConfig() });
Deno.serve(
  { hostname: "127.0.0.1", port: Number(env("BENCH_PORT")), onListen: () => {} },
  app.fetch,
);
