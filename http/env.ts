/** The app's context: what every handler finds on `c` (dependencies, request id, caller). */
import type { MiddlewareHandler } from "hono";
import type { Caller } from "../lib/auth.ts";
import type { Config } from "../lib/config.ts";
import type { Sql } from "../lib/db/mod.ts";
import type { StaticConfig } from "../lib/static_config.ts";
import type { Assets } from "../lib/ui/build.ts";

export interface AppDeps {
  sql: Sql;
  config: Config & { authSecret: string };
  /** config/*.json, loaded and validated by `loadStaticConfig`. */
  settings: StaticConfig;
  /** Browser assets for pages; null when only the API is served (tests of the API). */
  assets?: Assets | null;
}

export type AppEnv = {
  Variables: AppDeps & {
    requestId: string;
    caller: Caller | null;
  };
};

/** Puts the app's dependencies on the context. */
export function provide(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("sql", deps.sql);
    c.set("config", deps.config);
    c.set("settings", deps.settings);
    c.set("assets", deps.assets ?? null);
    await next();
  };
}
