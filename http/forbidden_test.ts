import assert from "node:assert/strict";
import { startTestApp } from "../tests/harness.ts";
import { forbiddenText } from "./shell.tsx";

Deno.test("403 text: what this reader can do instead", () => {
  // A coach on a learner's own dashboard is not told the page is for admins.
  const coachOnDashboard = forbiddenText("coach", ["learner"]);
  assert.doesNotMatch(coachOnDashboard, /admins/);
  assert.match(coachOnDashboard, /^This is a learner's own dashboard\. As a coach/);
  assert.match(forbiddenText("coach", ["admin"]), /^This page is for admins\. As a coach/);
  assert.match(forbiddenText("admin", ["learner"]), /As an admin you can open every learner/);
  assert.match(forbiddenText("learner", ["coach", "admin"]), /^You can only see your own progress/);
  assert.match(forbiddenText("service", ["learner"]), /uses the API, not the pages/);
});

Deno.test("403 page: a coach opening /dashboard reads the learner-dashboard text", async () => {
  const t = await startTestApp();
  try {
    const token = await t.token("coach");
    const res = await t.app.request("/dashboard", { headers: { cookie: `pulse_token=${token}` } });
    assert.equal(res.status, 403);
    const html = await res.text();
    assert.match(
      html,
      /This is a learner&#39;s own dashboard\. As a coach|This is a learner's own dashboard\. As a coach/,
    );
    assert.doesNotMatch(html, /This page is for admins/);
  } finally {
    await t.close();
  }
});
