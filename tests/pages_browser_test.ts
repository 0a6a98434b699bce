/**
 * The learner pages as people read them, in Chromium at 1280 and 375 px with a browser time zone
 * that is not UTC: projections about the future, words for the reader (learner or coach),
 * numbers at a person's precision, dates in the reader's zone without hydration mismatch,
 * readable charts (label boxes measured), thin states, and axe-core.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { BrowserContext, Page } from "playwright-core";
import type { Role } from "../lib/auth.ts";
import { DEMO_ADMIN, DEMO_COACH, DEMO_LEARNERS } from "../lib/demo/people.ts";
import { seedDemo } from "../lib/demo/seed.ts";
import { computeUserReadiness } from "../lib/readiness/mod.ts";
import { dateTime, personScore } from "../lib/ui/format.ts";
import { hasChromium, SCREENSHOT_DIR, startBrowserApp } from "./browser.ts";
import { readinessConfig, shipped } from "./static_config.ts";

const ZONE = "America/Los_Angeles";
const BANDS = [40, 70, 85];
const WIDTHS = [1280, 375];
const [maya] = DEMO_LEARNERS;
const AXE_SOURCE = (axe as unknown as { source: string }).source;

/** Label boxes that overlap another label, a dot, or the plot (its lines), per chart. */
function chartOverlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const box = (e: Element) => e.getBoundingClientRect();
    const shown = (e: Element) => {
      const r = box(e);
      return r.width > 0 && r.height > 0 && getComputedStyle(e).display !== "none";
    };
    const hit = (a: DOMRect, b: DOMRect) =>
      a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 &&
      b.top < a.bottom - 0.5;
    for (const chart of document.querySelectorAll(".tchart")) {
      const id = chart.getAttribute("data-testid");
      const labels = [...chart.querySelectorAll(".tchart-x span, .tchart-y span, .band-label")]
        .filter(shown);
      const dots = [...chart.querySelectorAll(".dot")];
      const plot = box(chart.querySelector(".tchart-plot")!);
      labels.forEach((a, i) => {
        for (const b of labels.slice(i + 1)) {
          if (hit(box(a), box(b))) out.push(`${id}: "${a.textContent}" on "${b.textContent}"`);
        }
        for (const d of dots) {
          if (hit(box(a), box(d))) out.push(`${id}: "${a.textContent}" on a dot`);
        }
        if (hit(box(a), plot)) out.push(`${id}: "${a.textContent}" on the plot's lines`);
      });
    }
    return out;
  });
}

/** Visible date tick labels of a chart. */
function visibleTicks(page: Page, testId: string): Promise<string[]> {
  return page.locator(`[data-testid=${testId}] .tchart-x span`).evaluateAll((els) =>
    els.filter((e) => getComputedStyle(e).display !== "none").map((e) => e.textContent ?? "")
  );
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any -- axe is the global the injected source defines
    const r = await (globalThis as any).axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v: { id: string; help: string; nodes: { target: string[] }[] }) =>
      `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`
    );
  });
}

Deno.test({
  name: "pages for the reader: words, numbers, time zone, charts, thin states",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const b = await startBrowserApp();
    const contexts: BrowserContext[] = [];
    try {
      await seedDemo(b.db.sql, shipped);
      const api = async (path: string, init: RequestInit = {}, role: Role = "admin") => {
        const res = await fetch(`${b.baseUrl}${path}`, {
          ...init,
          headers: {
            authorization: `Bearer ${await b.token(role, DEMO_ADMIN.userId)}`,
            "content-type": "application/json",
          },
        });
        assert.ok(res.ok, `${path}: ${res.status}`);
        return await res.json();
      };
      /** A page in the test zone at `width`; the second load is in the browser's zone. */
      const open = async (role: Role, userId: string, path: string, width: number) => {
        const context = await b.browser.newContext({
          viewport: { width, height: 900 },
          timezoneId: ZONE,
        });
        context.setDefaultTimeout(60_000);
        contexts.push(context);
        await context.addCookies([{
          name: "pulse_token",
          value: await b.token(role, userId),
          url: b.baseUrl,
          httpOnly: true,
        }]);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
        const hydrated = () =>
          page.waitForFunction(() =>
            document.querySelectorAll("[data-island]:not([data-hydrated=true])").length === 0
          );
        await page.goto(`${b.baseUrl}${path}`);
        await hydrated();
        // The first visit tells the server the browser's zone; from the next page on it is used.
        const zone = (await context.cookies()).find((c) => c.name === "pulse_tz")?.value;
        assert.equal(decodeURIComponent(zone ?? ""), ZONE);
        await page.reload();
        await hydrated();
        return { page, errors, context };
      };
      const readiness = await api(`/api/users/${maya.userId}/readiness?limit=500`);
      const today = new Date().toISOString().slice(0, 10);

      for (const width of WIDTHS) {
        await t.step(`learner at ${width} px: own words, whole points, own zone`, async () => {
          const { page, errors } = await open("learner", maya.userId, "/dashboard", width);
          const text = (s: string) => page.locator(s).innerText();
          // 4: the card's number at a person's precision, never contradicting the band.
          assert.equal(
            await text("[data-testid=readiness-overall]"),
            personScore(readiness.latest.overall, BANDS),
          );
          const sentences = [
            await text("[data-testid=coaching-headline]"),
            ...(await page.locator("[data-testid=low-skills] li").allInnerTexts()),
            ...(await page.locator("[data-testid=why-text]").allInnerTexts()),
            ...(await page.locator("[data-testid=projection] p").allInnerTexts()),
          ];
          for (const s of sentences) assert.doesNotMatch(s, /\d\.\d\d/, `2 decimals in: ${s}`);
          assert.match(sentences[0], /^You're at /);
          // 5: the time in the browser's zone, one month format, same text as the server's.
          // The card's time is when readiness was last brought up to date (a run or the snapshot,
          // never before the snapshot), printed in the reader's zone.
          const shown = await text("[data-testid=readiness-ts]");
          const updated = await page.locator("[data-testid=readiness-ts] time").getAttribute(
            "datetime",
          );
          assert.ok(updated && Date.parse(updated) >= Date.parse(readiness.latest.ts), updated!);
          assert.ok(shown.includes(dateTime(updated!, ZONE)), shown);
          assert.ok(shown.includes(ZONE));
          const body = await text("main");
          assert.doesNotMatch(body, /\bSept\b/);
          const html = await page.context().request.get(`${b.baseUrl}/dashboard`).then((r) =>
            r.text()
          );
          assert.ok(html.includes(dateTime(updated!, ZONE)), "server text = browser");
          // 1: a shown projection is about the future.
          const coaching = await api(`/api/users/${maya.userId}/coaching?audience=learner`);
          if (coaching.projection.shown) {
            assert.ok(coaching.projection.date >= today, coaching.projection.date);
            assert.ok(coaching.projection.earliest >= today);
          }
          // 6: labels clear of each other, the dots and the lines; dates for the span.
          await page.click("button[data-range='all']");
          await page.waitForFunction(
            (n) => document.querySelectorAll("[data-testid=readiness-chart] .dot").length === n,
            readiness.history.filter((s: { overall: number | null }) => s.overall !== null)
              .length,
          );
          assert.deepEqual(await chartOverlaps(page), []);
          const ticks = await visibleTicks(page, "readiness-chart");
          assert.ok(ticks.length >= 3, ticks.join(", "));
          if (width === 375) assert.ok(ticks.length <= 3, ticks.join(", "));
          // The skill trend is proportional to time.
          const xs = await page.locator("[data-testid=skill-chart] .dot").evaluateAll((els) =>
            els.map((e) => {
              const r = e.getBoundingClientRect();
              return { t: Number((e as HTMLElement).dataset.x), cx: r.left + r.width / 2 };
            })
          );
          assert.ok(xs.length >= 3);
          const k = (xs.at(-1)!.cx - xs[0].cx) / (xs.at(-1)!.t - xs[0].t);
          for (const p of xs) assert.ok(Math.abs(xs[0].cx + (p.t - xs[0].t) * k - p.cx) < 1);
          await page.screenshot({
            path: `${SCREENSHOT_DIR}pages-learner-${width}.png`,
            fullPage: true,
          });
          assert.deepEqual(await axeViolations(page), []);
          assert.deepEqual(errors, []);
        });

        await t.step(`coach at ${width} px: third person, no you or your`, async () => {
          const { page, errors } = await open(
            "coach",
            DEMO_COACH.userId,
            `/learners/${maya.userId}`,
            width,
          );
          const main = await page.locator("main").innerText();
          const you = main.match(/.{0,40}\byou(r|'re)?\b.{0,40}/gi);
          assert.equal(you, null, `"you" on a coach's page: ${you?.join(" | ")}`);
          assert.match(
            await page.locator("[data-testid=coaching-headline]").innerText(),
            new RegExp(`^${maya.name} is at `),
          );
          assert.equal(
            await page.locator("#focus-title").innerText(),
            `Next step for ${maya.name}`,
          );
          assert.deepEqual(await chartOverlaps(page), []);
          await page.screenshot({
            path: `${SCREENSHOT_DIR}pages-coach-${width}.png`,
            fullPage: true,
          });
          assert.deepEqual(await axeViolations(page), []);
          assert.deepEqual(errors, []);
        });
      }

      // 7: thin states. One learner with a single answer (one snapshot, insufficient evidence),
      // one with a profile and nothing else.
      const thin = crypto.randomUUID();
      const when = new Date(Date.now() - 3_600_000).toISOString();
      await api(`/api/sessions/${crypto.randomUUID()}/events`, {
        method: "POST",
        body: JSON.stringify({
          user_id: thin,
          scenario_id: "backend-senior-1",
          answers: [{ answer_id: "a1", ts: when, pulse_step: "lead", scores: { structure: 69.6 } }],
        }),
      }, "service");
      await computeUserReadiness(b.db.sql, thin, { config: readinessConfig });
      const empty = crypto.randomUUID();
      await api(`/api/learners/${empty}`, {
        method: "PUT",
        body: JSON.stringify({ level: "junior", track: "frontend" }),
      });
      for (const width of WIDTHS) {
        await t.step(`thin states at ${width} px`, async () => {
          const one = await open("learner", thin, "/dashboard", width);
          const main = await one.page.locator("main").innerText();
          assert.doesNotMatch(main, /\b1 (snapshots|sessions|answers|days)\b/);
          assert.match(main, /\(1 snapshot;/);
          assert.equal(await one.page.locator("[data-testid=why-changed]").count(), 0);
          assert.equal(await one.page.locator("[data-testid=next-step]").count(), 0);
          assert.equal((main.match(/no answers yet/gi) ?? []).length, 3, main);
          // A single snapshot's axis ends at it: the dot sits on the plot's right edge.
          const edge = await one.page.evaluate(() => {
            const chart = document.querySelector("[data-testid=readiness-chart]")!;
            const plot = chart.querySelector(".tchart-plot")!.getBoundingClientRect();
            const dot = chart.querySelector(".dot")!.getBoundingClientRect();
            return plot.right - (dot.left + dot.width / 2);
          });
          assert.ok(Math.abs(edge) < 1, `the axis runs ${edge}px past the snapshot`);
          assert.deepEqual(await chartOverlaps(one.page), []);
          assert.deepEqual(await axeViolations(one.page), []);
          await one.page.screenshot({
            path: `${SCREENSHOT_DIR}pages-thin-${width}.png`,
            fullPage: true,
          });
          const none = await open("coach", DEMO_COACH.userId, `/learners/${empty}`, width);
          const text = await none.page.locator("main").innerText();
          assert.equal((text.match(/no readiness score yet/gi) ?? []).length, 1, text);
          assert.equal((text.match(/yet/gi) ?? []).length <= 4, true, text);
          assert.equal(await none.page.locator("[data-testid=skills-empty]").count(), 1);
          assert.equal(await none.page.locator("[data-testid=projection]").count(), 0);
          assert.equal(text.match(/\byou(r)?\b/i), null, text);
          assert.deepEqual(await axeViolations(none.page), []);
          assert.deepEqual([...one.errors, ...none.errors], []);
        });
      }
    } finally {
      for (const c of contexts) await c.close().catch(() => {});
      await b.close();
    }
  },
});
