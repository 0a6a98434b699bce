/** GET /learners — coaches' and admins' list of learners (recently active first). */
import { Hono } from "hono";
import { RecentLearners } from "../_components/RecentLearners.tsx";
import { listLearners } from "../../lib/learners/list.ts";
import { renderPage } from "../../http/shell.tsx";
import { callerOf, requirePageRole } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";

export const learnersIndexRoutes = new Hono<AppEnv>().get(
  "/",
  requirePageRole("coach", "admin"),
  async (c) => {
    const learners = await listLearners(c.get("sql"), 100);
    return renderPage(
      c,
      "Learners",
      <>
        <h1>Learners</h1>
        <RecentLearners learners={learners} recompute={callerOf(c).role === "admin"} />
      </>,
    );
  },
);
