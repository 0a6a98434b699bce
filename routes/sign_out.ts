/** GET or POST /sign-out — forgets the page session cookie. */
import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie } from "hono/cookie";
import type { AppEnv } from "../http/env.ts";
import { TOKEN_COOKIE } from "../http/session.ts";

function signOut(c: Context<AppEnv>) {
  deleteCookie(c, TOKEN_COOKIE, { path: "/" });
  c.header("cache-control", "no-store");
  return c.redirect("/", 303);
}

export const signOutRoutes = new Hono<AppEnv>().get("/", signOut).post("/", signOut);
