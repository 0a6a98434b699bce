/**
 * The trainer's sign-in link in Chromium with production settings (on the server database when
 * PULSE_TEST_DATABASE_URL is set): a link on another site → the learner's dashboard; the same link
 * again is refused.
 */
import assert from "node:assert/strict";
import { issueSignInToken, issueToken } from "../lib/auth.ts";
import { DEMO_LEARNERS } from "../lib/demo/people.ts";
import { seedDemo } from "../lib/demo/seed.ts";
import { hasChromium } from "./browser.ts";
import { TEST_SECRET } from "./harness.ts";
import { startSignInApp } from "./sign_in_app.ts";
import { shipped } from "./static_config.ts";

const [maya] = DEMO_LEARNERS;

Deno.test({
  name: "hand-off link from the trainer → dashboard; replay refused (production settings)",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const b = await startSignInApp(() => ({}));
    // The trainer: another site (127.0.0.1 vs localhost) linking to the hand-off URL.
    let link = "";
    const trainer = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () =>
        new Response(
          `<!DOCTYPE html><title>Trainer</title><a id="progress" href="${link}">My progress</a>`,
          { headers: { "content-type": "text/html" } },
        ),
    );
    try {
      await seedDemo(b.db.sql, shipped);
      const readiness = await (await fetch(`${b.baseUrl}/api/users/${maya.userId}/readiness`, {
        headers: { authorization: `Bearer ${await issueToken(TEST_SECRET, "service", "svc")}` },
      })).json();
      const token = await issueSignInToken(TEST_SECRET, "learner", maya.userId);
      link = `${b.baseUrl}/sign-in/handoff?token=${token}&next=%2Fdashboard`;

      await t.step("without a session the dashboard sends you to sign-in", async () => {
        const page = await b.context.newPage();
        await page.goto(`${b.baseUrl}/dashboard`);
        assert.equal(page.url(), `${b.baseUrl}/sign-in?next=%2Fdashboard`);
        await page.close();
      });

      await t.step("clicking the trainer's link opens the dashboard", async () => {
        const page = await b.context.newPage();
        await page.goto(`http://127.0.0.1:${trainer.addr.port}/`);
        await page.click("#progress");
        await page.waitForURL(`${b.baseUrl}/dashboard`);
        // The card shows a person's precision; its exact value is the API's.
        assert.equal(
          await page.locator("[data-testid=readiness-overall]").getAttribute("data-value"),
          String(readiness.latest.overall),
        );
        const [session] = (await b.context.cookies(b.baseUrl)).filter((c) =>
          c.name === "pulse_token"
        );
        assert.ok(session);
        assert.equal(session.httpOnly, true);
        assert.equal(session.secure, true);
        assert.equal(session.sameSite, "Lax");
        const hoursLeft = (session.expires - Date.now() / 1000) / 3600;
        assert.ok(hoursLeft > 7.9 && hoursLeft <= 8, `session lives 8 h, got ${hoursLeft}`);
        // The token never reaches the page's own URL or another site via Referer.
        assert.equal(page.url().includes("token="), false);
        await page.close();
      });

      await t.step("the same link again is refused, and signs nobody in", async () => {
        await b.context.clearCookies();
        const page = await b.context.newPage();
        const response = await page.goto(link);
        assert.equal(response?.status(), 409);
        assert.match(await page.locator("h1").innerText(), /already used/);
        assert.equal(
          (await b.context.cookies(b.baseUrl)).some((c) => c.name === "pulse_token"),
          false,
        );
        await page.goto(`${b.baseUrl}/dashboard`);
        assert.match(page.url(), /\/sign-in\?next=%2Fdashboard$/);
        await page.close();
      });
    } finally {
      await trainer.shutdown();
      await b.close();
    }
  },
});
