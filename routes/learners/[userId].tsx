/** GET /learners/:userId — a learner's dashboard for coaches and admins (learners: their own). */
import { Hono } from "hono";
import { LearnerDashboard } from "../_components/LearnerDashboard.tsx";
import { canReadLearner } from "../../lib/auth.ts";
import { loadDashboard } from "../../lib/readiness/mod.ts";
import { learnerLabel } from "../../lib/learners/label.ts";
import type { Reader } from "../../lib/readiness/text.ts";
import { timeZoneFromCookies } from "../../lib/ui/format.ts";
import { forbiddenPage, renderPage } from "../../http/shell.tsx";
import { callerOf, requirePageRole } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const learnerPageRoutes = new Hono<AppEnv>().get(
  "/:userId",
  requirePageRole("learner", "coach", "admin"),
  async (c) => {
    const userId = c.req.param("userId");
    const caller = callerOf(c);
    if (!canReadLearner(caller, userId)) return forbiddenPage(c);
    // The learner reads their own page in the second person; coaches and admins in the third,
    // with the learner's label.
    const audience = caller.role === "learner" ? "learner" : "staff";
    const timeZone = timeZoneFromCookies(c.req.header("cookie"));
    const data = UUID.test(userId)
      ? await loadDashboard(c.get("sql"), userId, c.get("settings"), { audience, timeZone })
      : null;
    if (!data) {
      return renderPage(
        c,
        "Learner not found",
        <section class="card">
          <p class="back-link">
            <a href="/">← Back to your start page</a>
          </p>
          <h1>Learner not found</h1>
          <p>There is no learner with the id {userId}.</p>
        </section>,
        404,
      );
    }
    const name = learnerLabel(data.profile);
    const back = caller.role === "learner"
      ? { href: "/dashboard", label: "My progress" }
      : { href: "/learners", label: "All learners" };
    const reader: Reader = { audience, name, timeZone };
    return renderPage(
      c,
      name,
      <LearnerDashboard
        data={data}
        heading={name}
        back={back}
        reader={reader}
        config={c.get("settings").readiness}
      />,
    );
  },
);
