/** GET / — sends everyone to their start page. */
import { Hono } from "hono";
import { signInPath } from "../http/auth.ts";
import type { AppEnv } from "../http/env.ts";

export const indexRoutes = new Hono<AppEnv>().get("/", (c) => {
  const caller = c.get("caller");
  if (!caller) return c.redirect(signInPath(c), 302);
  const home = {
    learner: "/dashboard",
    coach: "/learners",
    admin: "/admin",
    service: "/api/openapi.json",
  };
  return c.redirect(home[caller.role], 302);
});
