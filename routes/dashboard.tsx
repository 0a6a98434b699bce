/** GET /dashboard — the signed-in learner's own progress. */
import { Hono } from "hono";
import { LearnerDashboard } from "./_components/LearnerDashboard.tsx";
import { loadDashboard } from "../lib/readiness/mod.ts";
import { timeZoneFromCookies } from "../lib/ui/format.ts";
import { renderPage } from "../http/shell.tsx";
import { callerOf, requirePageRole } from "../http/auth.ts";
import type { AppEnv } from "../http/env.ts";

export const dashboardRoutes = new Hono<AppEnv>().get(
  "/",
  requirePageRole("learner"),
  async (c) => {
    const timeZone = timeZoneFromCookies(c.req.header("cookie"));
    const data = await loadDashboard(c.get("sql"), callerOf(c).userId, c.get("settings"), {
      audience: "learner",
      timeZone,
    });
    if (!data) {
      return renderPage(
        c,
        "My progress",
        <section class="card">
          <h1>My progress</h1>
          <p class="empty">
            No practice sessions yet. Your readiness appears here after your first session.
          </p>
        </section>,
      );
    }
    return renderPage(
      c,
      "My progress",
      <LearnerDashboard
        data={data}
        heading="My progress"
        reader={{ audience: "learner", name: "", timeZone }}
        config={c.get("settings").readiness}
      />,
    );
  },
);
