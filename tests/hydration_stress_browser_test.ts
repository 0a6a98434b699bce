/**
 * Hydration stress: every page with charts is loaded many times in fresh browser contexts, at both
 * widths, with and without a throttled CPU, and must raise no page error and log no console error.
 * Then the interactive parts (range switch, skill picker) are exercised on a loaded page.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { Role } from "../lib/auth.ts";
import { DEMO_ADMIN, DEMO_COACH, DEMO_LEARNERS } from "../lib/demo/people.ts";
import { seedDemo } from "../lib/demo/seed.ts";
import { type BrowserApp, hasChromium, startBrowserApp } from "./browser.ts";
import { shipped } from "./static_config.ts";

const [maya, jonas] = DEMO_LEARNERS;
/** Loads per page; each gets a fresh context. */
const LOADS = Number(Deno.env.get("PULSE_STRESS_LOADS") ?? 20);
/** Loads running at once (the machine has few cores; throttled loads mostly wait). */
const CONCURRENCY = 4;
const THROTTLE_RATE = 4;

interface Target {
  name: string;
  path: string;
  role: Role;
  userId: string;
}

const TARGETS: Target[] = [
  { name: "dashboard", path: "/dashboard", role: "learner", userId: maya.userId },
  {
    name: "learner page",
    path: `/learners/${jonas.userId}`,
    role: "coach",
    userId: DEMO_COACH.userId,
  },
  { name: "admin", path: "/admin", role: "admin", userId: DEMO_ADMIN.userId },
];

/** Collects uncaught errors and console errors of a page. */
function watchErrors(page: Page, into: string[], label: string) {
  page.on("pageerror", (e) => into.push(`${label} pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") into.push(`${label} console.error: ${m.text()}`);
  });
}

/** Waits until every island is hydrated and every chart on the page has drawn. */
async function waitForQuiet(page: Page) {
  await page.waitForFunction(() =>
    document.querySelectorAll("[data-island]:not([data-hydrated=true])").length === 0
  );
  // Islands that fetch (the cohort view) say so with aria-busy.
  await page.waitForFunction(() => document.querySelectorAll("[aria-busy=true]").length === 0);
  // Every chart container holds its drawing (library charts draw after hydration).
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll("figure > div.chart, [data-chart]")).every((el) =>
      el.querySelector("svg") !== null
    )
  );
}

/**
 * One load of `target` in a fresh context. Like a person turning their phone or resizing the
 * window, the page is resized to the other width once, at a moment that moves through the first
 * second after hydration from one load to the next (when charts draw and animate).
 */
async function loadOnce(b: BrowserApp, target: Target, i: number, errors: string[]) {
  const width = i % 2 === 0 ? 1280 : 375;
  const throttled = i % 4 >= 2;
  const resizeAfter = (i * 97) % 1100;
  const context = await b.freshContext(target.role, target.userId, width);
  try {
    const page = await context.newPage();
    const label = `${target.name} #${i} (${width}px${
      throttled ? `, CPU ÷${THROTTLE_RATE}` : ""
    }, resized after ${resizeAfter} ms)`;
    watchErrors(page, errors, label);
    if (throttled) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE_RATE });
    }
    const res = await page.goto(`${b.baseUrl}${target.path}`);
    assert.equal(res?.status(), 200, label);
    await page.waitForFunction(() =>
      document.querySelectorAll("[data-island]:not([data-hydrated=true])").length === 0
    );
    await page.waitForTimeout(resizeAfter);
    await page.setViewportSize({ width: width === 1280 ? 375 : 1280, height: 900 });
    await waitForQuiet(page);
    await page.waitForTimeout(throttled ? 600 : 300);
  } finally {
    await context.close();
  }
}

Deno.test({
  name: "pages hydrate without errors: repeated loads, both widths, throttled CPU",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const b = await startBrowserApp();
    try {
      await seedDemo(b.db.sql, shipped);

      for (const target of TARGETS) {
        await t.step(`${target.name}: ${LOADS} fresh loads`, async () => {
          const errors: string[] = [];
          const queue = Array.from({ length: LOADS }, (_, i) => i);
          let done = 0;
          await Promise.all(
            Array.from({ length: CONCURRENCY }, async () => {
              for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
                await loadOnce(b, target, i, errors);
                done++;
              }
            }),
          );
          assert.equal(done, LOADS);
          assert.deepEqual(errors, [], `${errors.length} errors in ${LOADS} loads`);
        });
      }

      await t.step("range switch and skill picker keep working, at both widths", async () => {
        const context = await b.freshContext("learner", maya.userId, 1280);
        const errors: string[] = [];
        try {
          const page = await context.newPage();
          watchErrors(page, errors, "interaction");
          await page.goto(`${b.baseUrl}/dashboard`);
          await waitForQuiet(page);
          // The first client render equals the server's markup: hydration changed nothing but
          // the inside of library chart containers (which the server leaves empty).
          const differing = await page.evaluate(async () => {
            const served = new DOMParser().parseFromString(
              await (await fetch(location.href)).text(),
              "text/html",
            );
            const out: string[] = [];
            for (const island of served.querySelectorAll<HTMLElement>("[data-island]")) {
              const live = document.querySelector(`[data-island=${island.dataset.island}]`)!
                .cloneNode(true) as HTMLElement;
              for (const chart of live.querySelectorAll<HTMLElement>("[data-chart=line]")) {
                chart.replaceChildren();
                delete chart.dataset.chartState;
              }
              if (live.innerHTML !== island.innerHTML) out.push(island.dataset.island!);
            }
            return out;
          });
          assert.deepEqual(differing, []);
          const dots = (id: string) =>
            page.evaluate(
              (id) =>
                document.querySelectorAll(
                  `[data-testid=${id}] svg circle, [data-testid=${id}] .dot`,
                ).length,
              id,
            );
          const trend =
            await (await fetch(`${b.baseUrl}/api/users/${maya.userId}/readiness?limit=500`, {
              headers: { authorization: `Bearer ${await b.token("service", "svc")}` },
            })).json();
          const all = trend.history.filter((s: { overall: number | null }) => s.overall !== null)
            .length;
          const skills = ["communication", "system_design", "structure", "probe"];
          // Quick changes while charts are still animating, and resizes in between.
          for (let round = 0; round < 3; round++) {
            for (const range of ["20", "all", "10"]) {
              await page.click(`button[data-range='${range}']`);
              await page.waitForTimeout(60);
            }
            await page.setViewportSize({ width: round % 2 ? 1280 : 375, height: 900 });
            for (const skill of skills) {
              await page.selectOption("[data-island=SkillTrend] select", skill);
              await page.waitForTimeout(60);
            }
          }
          await page.click("button[data-range='all']");
          await page.waitForFunction(
            (n) => document.querySelectorAll("[data-testid=readiness-chart] .dot").length === n,
            all,
          );
          await page.selectOption("[data-island=SkillTrend] select", "behavioral_examples");
          await page.waitForFunction(() =>
            document.querySelector("[data-testid=skill-chart-title]")?.textContent?.startsWith(
              "Behavioral examples",
            )
          );
          await waitForQuiet(page);
          await page.waitForTimeout(800);
          assert.equal(await dots("readiness-chart"), all);
          assert.equal(await dots("skill-chart"), 10);
        } finally {
          await context.close();
        }
        assert.deepEqual(errors, []);
      });
    } finally {
      await b.close();
    }
  },
});
