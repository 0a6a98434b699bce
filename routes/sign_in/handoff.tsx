/**
 * GET /sign-in/handoff?token=<JWT>&next=<path> — the trainer's single-use sign-in link. The token
 * is an HS256 JWT (PULSE_AUTH_SECRET) with `sub`, `role`, `aud: "pulse-analytics:sign-in"`, `jti`
 * and an `exp` at most five minutes away; a redeemed `jti` is refused afterwards.
 */
import { Hono } from "hono";
import { verifySignInToken } from "../../lib/auth.ts";
import { redeemSignInToken } from "../../lib/auth/sign_in_tokens.ts";
import { renderPage, withStatus } from "../../http/shell.tsx";
import type { AppEnv } from "../../http/env.ts";
import { HOME, localPath, startSession } from "../../http/session.ts";

export const handoffRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const refuse = (status: number, heading: string, reason: string) =>
    withStatus(
      renderPage(
        c,
        "Sign-in link refused",
        <section class="card">
          <h1>{heading}</h1>
          <p>{reason}</p>
          <p>Open your progress again from the PULSE trainer to get a fresh link.</p>
        </section>,
      ),
      status,
    );

  const token = c.req.query("token");
  if (!token) return refuse(400, "This sign-in link is incomplete", "The link has no token.");
  const grant = await verifySignInToken(c.get("config").authSecret, token);
  if (!grant || grant.caller.role === "service") {
    return refuse(
      401,
      "This sign-in link is not valid",
      "It may have expired (links work for five minutes) or not be a sign-in link.",
    );
  }
  if (!await redeemSignInToken(c.get("sql"), grant.jti, grant.expiresAt)) {
    return refuse(409, "This sign-in link was already used", "Each link signs you in once.");
  }
  await startSession(c, grant.caller);
  c.header("cache-control", "no-store");
  return c.redirect(localPath(c.req.query("next")) ?? HOME[grant.caller.role], 303);
});
