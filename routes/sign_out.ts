/** POST /sign-out — forgets the page session cookie. */
import { Hono } from "hono";
import { deleteCookie } from "hono/cookie";
import type { AppEnv } from "./_middleware.ts";
import { TOKEN_COOKIE } from "./_middleware.ts";

export const signOutRoutes = new Hono<AppEnv>().post("/", (c) => {
  deleteCookie(c, TOKEN_COOKIE, { path: "/" });
  return c.redirect("/", 303);
});
