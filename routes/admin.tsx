/** GET /admin — admin console: recompute readiness, learners with per-row recompute. */
import { Hono } from "hono";
import { Island } from "../islands/_render.tsx";
import { RecentLearners } from "./_components/RecentLearners.tsx";
import { countLearnersWithAnswers, listLearners } from "../lib/learners/list.ts";
import { renderPage } from "../http/shell.tsx";
import { requirePageRole } from "../http/auth.ts";
import type { AppEnv } from "../http/env.ts";

export const adminRoutes = new Hono<AppEnv>().get("/", requirePageRole("admin"), async (c) => {
  const sql = c.get("sql");
  const learners = await listLearners(sql, 20);
  // "Recompute all" covers the learners with scored answers (the others have nothing to score).
  const n = await countLearnersWithAnswers(sql);
  return renderPage(
    c,
    "Admin",
    <>
      <h1>Admin console</h1>
      <div class="grid">
        <Island name="RecomputePanel" props={{ learnerCount: n }} />
        <div class="wide">
          <RecentLearners learners={learners} recompute />
        </div>
      </div>
    </>,
  );
});
