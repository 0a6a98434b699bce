/** The learner dashboard and admin console in a real browser, on seeded demo data. */
import assert from "node:assert/strict";
import { DEMO_ADMIN, DEMO_LEARNERS } from "../lib/demo/people.ts";
import { seedDemo } from "../lib/demo/seed.ts";
import { formatDelta } from "../islands/ReadinessCard.tsx";
import { hasChromium, SCREENSHOT_DIR, startBrowserApp } from "./browser.ts";

const [maya, jonas] = DEMO_LEARNERS;

Deno.test({
  name: "dashboard and admin console in Chromium",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const b = await startBrowserApp();
    try {
      const seeded = await seedDemo(b.db.sql);
      assert.equal(seeded.learners, DEMO_LEARNERS.length);
      const api = async (path: string) => {
        const res = await fetch(`${b.baseUrl}${path}`, {
          headers: { authorization: `Bearer ${await b.token("service", "svc")}` },
        });
        assert.equal(res.status, 200, path);
        return await res.json();
      };

      await t.step("not signed in → redirected to the demo sign-in", async () => {
        const page = await b.context.newPage();
        await b.context.clearCookies();
        await page.goto(`${b.baseUrl}/dashboard`);
        assert.match(page.url(), /\/demo\?next=%2Fdashboard$/);
        await page.close();
      });

      await t.step("the card equals the API; numbers are in the server HTML", async () => {
        const readiness = await api(`/api/users/${maya.userId}/readiness?limit=500`);
        const html = await (await fetch(`${b.baseUrl}/dashboard`, {
          headers: { cookie: `pulse_token=${await b.token("learner", maya.userId)}` },
        })).text();
        assert.match(html, new RegExp(`>${Math.round(readiness.latest.overall)}<`));

        await b.signIn("learner", maya.userId);
        const page = await b.context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(`${b.baseUrl}/dashboard`);
        await page.waitForSelector("[data-island=ReadinessTrend][data-hydrated=true]");
        const text = async (id: string) =>
          (await page.locator(`[data-testid=${id}]`).innerText()).trim();
        assert.equal(await text("readiness-overall"), String(Math.round(readiness.latest.overall)));
        assert.equal(await text("readiness-band"), readiness.latest.band);
        assert.match(
          await text("readiness-delta"),
          new RegExp(`^${formatDelta(readiness.delta, true).replace("+", "\\+")}`),
        );
        assert.match(
          await page.locator("[data-testid=coaching-message]").innerText(),
          /^You're at \d+/,
        );

        // Trend chart: one dot per snapshot of the range; switching redraws without a page load.
        const snapshots = readiness.history.filter((s: { overall: number | null }) =>
          s.overall !== null
        ).length;
        assert.ok(snapshots > 20, `seed should give more than 20 snapshots, got ${snapshots}`);
        const dots = () => page.locator("[data-testid=readiness-chart] svg circle").count();
        await page.waitForFunction(() =>
          document.querySelectorAll("[data-testid=readiness-chart] svg circle").length === 10
        );
        await page.waitForTimeout(500);
        assert.equal(await dots(), 10);
        await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
        await page.click("button[data-range='20']");
        await page.waitForFunction(() =>
          document.querySelectorAll("[data-testid=readiness-chart] svg circle").length === 20
        );
        await page.click("button[data-range='all']");
        await page.waitForFunction(
          (n) => document.querySelectorAll("[data-testid=readiness-chart] svg circle").length === n,
          snapshots,
        );
        assert.equal(
          await page.evaluate(() => (globalThis as unknown as { marker: number }).marker),
          42,
        );
        assert.equal(await page.getAttribute("button[data-range='all']", "aria-pressed"), "true");

        // Skill trend follows the picker, one dot per session of the API's series.
        const trends = await api(
          `/api/users/${maya.userId}/skills/trends?skill_tag=system_design&window=last_10_sessions`,
        );
        const points = JSON.stringify(trends).match(/"session_id"/g)?.length ?? 0;
        await page.selectOption("[data-island=SkillTrend] select", "system_design");
        await page.waitForFunction(
          (n) => document.querySelectorAll("[data-testid=skill-chart] svg circle").length === n,
          points,
        );
        assert.equal(points, 10);
        assert.match(
          await page.locator("[data-testid=skill-chart-title]").innerText(),
          /^System design/,
        );

        await page.click("button[data-range='10']");
        await page.waitForTimeout(300);
        await page.screenshot({ path: `${SCREENSHOT_DIR}dashboard-desktop.png`, fullPage: true });
        await page.setViewportSize({ width: 375, height: 800 });
        await page.waitForTimeout(300);
        const overflow = await page.evaluate(() =>
          document.documentElement.scrollWidth - globalThis.innerWidth
        );
        assert.ok(overflow <= 1, `page is ${overflow}px wider than a 375px screen`);
        await page.screenshot({ path: `${SCREENSHOT_DIR}dashboard-375.png`, fullPage: true });
        assert.deepEqual(errors, []);
        await page.close();
      });

      await t.step("a learner is refused another learner's page", async () => {
        await b.signIn("learner", maya.userId);
        const page = await b.context.newPage();
        const res = await page.goto(`${b.baseUrl}/learners/${jonas.userId}`);
        assert.equal(res?.status(), 403);
        assert.match(await page.locator("h1").innerText(), /Not allowed/);
        assert.equal(await page.locator("[data-island]").count(), 0);
        const own = await page.goto(`${b.baseUrl}/learners/${maya.userId}`);
        assert.equal(own?.status(), 200);
        await page.close();
      });

      await t.step(
        "admin console: recompute all shows the result; cohort view has numbers",
        async () => {
          await b.signIn("admin", DEMO_ADMIN.userId);
          const page = await b.context.newPage();
          await page.setViewportSize({ width: 1280, height: 900 });
          await page.goto(`${b.baseUrl}/admin`);
          await page.waitForSelector("[data-island=RecomputePanel][data-hydrated=true]");
          assert.equal(await page.locator(`a[href='/learners/${maya.userId}']`).count(), 1);
          await page.waitForSelector("[data-testid=cohort-result]");
          const [{ n: before }] = await b.db
            .sql`select count(*)::int as n from analytics.user_readiness`;
          await page.click("button[data-action=recompute-all]");
          await page.waitForSelector("[data-testid=recompute-result]");
          assert.equal(
            await page.locator("[data-field=learners]").innerText(),
            String(DEMO_LEARNERS.length),
          );
          // The seeded history is already computed as of each learner's latest session: nothing
          // changed, so nothing is written.
          assert.equal(await page.locator("[data-field=snapshots]").innerText(), "0");
          assert.match(await page.locator("[data-field=duration]").innerText(), /^\d+ ms$/);
          const [{ n: after }] = await b.db
            .sql`select count(*)::int as n from analytics.user_readiness`;
          assert.equal(after - before, 0);
          // The Kaplan–Meier chart has finished drawing: its dots sit at different heights.
          await page.waitForFunction(() =>
            new Set(
              Array.from(document.querySelectorAll("[data-island=CohortView] svg circle"))
                .map((c) => c.getAttribute("cy")),
            ).size > 1
          );
          await page.waitForTimeout(500);
          await page.screenshot({ path: `${SCREENSHOT_DIR}admin-desktop.png`, fullPage: true });
          await page.setViewportSize({ width: 375, height: 800 });
          await page.waitForTimeout(300);
          await page.screenshot({ path: `${SCREENSHOT_DIR}admin-375.png`, fullPage: true });
          await page.close();
        },
      );
    } finally {
      await b.close();
    }
  },
});
