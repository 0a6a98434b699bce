/** GET /learners — coaches' start page: recently active learners. */
import { Hono } from "hono";
import { RecentLearners } from "../../components/RecentLearners.tsx";
import { recentlyActiveLearners } from "../../lib/learners/activity.ts";
import { renderPage, requirePageRole } from "../_app.tsx";
import type { AppEnv } from "../_middleware.ts";

export const learnersIndexRoutes = new Hono<AppEnv>().get(
  "/",
  requirePageRole("coach", "admin"),
  async (c) => {
    const learners = await recentlyActiveLearners(c.get("sql"), 50);
    return renderPage(
      c,
      "Learners",
      <>
        <h1>Learners</h1>
        <RecentLearners learners={learners} />
      </>,
    );
  },
);
