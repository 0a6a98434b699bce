/** GET /sign-in — where pages send people without a session outside development. */
import { Hono } from "hono";
import { renderPage } from "./_app.tsx";
import type { AppEnv } from "./_middleware.ts";

export const signInRoutes = new Hono<AppEnv>().get("/", (c) =>
  renderPage(
    c,
    "Sign in",
    <section class="card">
      <h1>Sign in through PULSE</h1>
      <p>Open your progress from the PULSE trainer: it signs you in here.</p>
    </section>,
  ));
