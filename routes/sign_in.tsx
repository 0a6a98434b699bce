/**
 * GET /sign-in — where pages send people without a session outside development: learners come
 * through the trainer's hand-off link (/sign-in/handoff), staff through single sign-on
 * (/sign-in/oidc) when a provider is configured.
 */
import { Hono } from "hono";
import { renderPage } from "../http/shell.tsx";
import type { AppEnv } from "../http/env.ts";
import { localPath } from "../http/session.ts";
import { handoffRoutes } from "./sign_in/handoff.tsx";
import { oidcRoutes } from "./sign_in/oidc.tsx";

export const signInRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const next = localPath(c.req.query("next"));
    const sso = c.get("config").auth.oidc
      ? `/sign-in/oidc${next ? `?next=${encodeURIComponent(next)}` : ""}`
      : null;
    return renderPage(
      c,
      "Sign in",
      <section class="card">
        <h1>Sign in</h1>
        <h2>Learners</h2>
        <p>Open your progress from the PULSE trainer: it signs you in here.</p>
        {sso && (
          <>
            <h2>Coaches and admins</h2>
            <p>
              <a class="button" href={sso} data-testid="sso-sign-in">
                Sign in with your organisation account
              </a>
            </p>
          </>
        )}
      </section>,
    );
  })
  .route("/handoff", handoffRoutes)
  .route("/oidc", oidcRoutes);
