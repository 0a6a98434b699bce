/** POST or GET /sign-out — forgets the page session cookie. */
import { Hono } from "hono";
import { deleteCookie } from "hono/cookie";
import type { Context } from "hono";
import type { AppEnv } from "./_middleware.ts";
import { TOKEN_COOKIE } from "./_middleware.ts";

function signOut(c: Context<AppEnv>) {
  deleteCookie(c, TOKEN_COOKIE, { path: "/" });
  return c.redirect("/", 303);
}

// GET too: a plain link signs out (signing someone out is harmless, so no CSRF concern).
export const signOutRoutes = new Hono<AppEnv>().post("/", signOut).get("/", signOut);
