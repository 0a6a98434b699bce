/**
 * The learner directory in Chromium: search, filters and sort round-trip through the URL, paging
 * links walk every learner once, and axe-core finds nothing at 1280 px and 375 px (no sideways
 * scroll on a phone).
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";
import { hasChromium, startBrowserApp } from "./browser.ts";
import { refreshLatest } from "../lib/readiness/mod.ts";
import { refreshActivity } from "../lib/sessions/activity.ts";
import { lowRule } from "./static_config.ts";

const AXE_SOURCE = (axe as unknown as { source: string }).source;
const DAY = 24 * 60 * 60 * 1000;
const LEVELS = ["junior", "mid", "senior"];

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
  name: "learner directory in Chromium: URL state, paging, axe at 1280 and 375 px",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const b = await startBrowserApp();
    try {
      // 120 learners: names, three levels, two cohorts; most with sessions and two snapshots.
      const { sql } = b.db;
      const ids: string[] = [];
      for (let i = 0; i < 120; i++) {
        const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
        ids.push(id);
        await sql`insert into analytics.learners (user_id, display_name, level, track, cohort)
                  values (${id}, ${`Learner ${String(i).padStart(3, "0")}`}, ${LEVELS[i % 3]},
                          'backend', ${i % 2 ? "2026-autumn" : "2026-summer"})`;
        if (i % 10 === 9) continue; // a few profiles without sessions
        const session = crypto.randomUUID();
        const at = new Date(Date.now() - (i % 40) * DAY);
        await sql`insert into analytics.session_owners (session_id, user_id) values (${session}, ${id})`;
        await sql`insert into analytics.sessions (session_id, user_id, scenario_id, started_at)
                  values (${session}, ${id}, 'x', ${at})`;
        await sql`insert into analytics.session_events
                    (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score)
                  values (${id}, ${session}, 'a1', ${at}, 'x', 'lead', 'communication', 50)`;
        for (const [k, overall] of [30 + (i % 50), 35 + ((i * 7) % 60)].entries()) {
          await sql`insert into analytics.user_readiness (user_id, ts, readiness_overall, band)
                    values (${id}, ${new Date(at.getTime() - (1 - k) * DAY)}, ${overall},
                            ${
            overall >= 85
              ? "Strong"
              : overall >= 70
              ? "Nearly Ready"
              : overall >= 40
              ? "Developing"
              : "Emerging"
          })`;
        }
      }
      // What the snapshot writer keeps with the snapshots (the directory's sorts read it).
      await refreshLatest(sql, ids);
      await refreshActivity(sql, ids, lowRule);
      const coach = crypto.randomUUID();
      const open = async (path: string, width = 1280) => {
        const context = await b.freshContext("coach", coach, width);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
        const res = await page.goto(`${b.baseUrl}${path}`);
        return { page, res, errors, close: () => context.close() };
      };
      // The filters are a plain GET form: read the page the submit navigates to once it has loaded.
      const submitFilters = async (page: Page) => {
        await Promise.all([
          page.waitForNavigation({ waitUntil: "load" }),
          page.click("button[data-action=apply-filters]"),
        ]);
      };
      const count = (page: Page) => page.locator("[data-testid=directory-count]").innerText();
      const names = (page: Page) =>
        page.locator("[data-testid=learner-table] tbody th a").allInnerTexts();

      await t.step("paging: next pages walk every learner once; first page goes back", async () => {
        const { page, errors, close } = await open("/learners");
        assert.match(await count(page), /^1–50 of 120 learners/);
        const seen = await names(page);
        await page.click("[data-testid=next-page]");
        assert.match(await count(page), /^51–100 of 120 learners/);
        seen.push(...await names(page));
        await page.click("[data-testid=next-page]");
        assert.match(await count(page), /^101–120 of 120 learners/);
        seen.push(...await names(page));
        assert.equal(await page.locator("[data-testid=next-page]").count(), 0);
        assert.equal(new Set(seen).size, 120);
        await page.click("text=First page");
        assert.match(await count(page), /^1–50 of 120/);
        assert.deepEqual(errors, []);
        await close();
      });

      await t.step("search, filters and sort live in the URL and survive a reload", async () => {
        const { page, errors, close } = await open("/learners");
        await page.fill("input[name=q]", "learner 00");
        await submitFilters(page);
        assert.equal(new URL(page.url()).searchParams.get("q"), "learner 00");
        assert.deepEqual(
          await names(page),
          Array.from({ length: 10 }, (_, i) => `Learner 00${i}`)
            .filter((_, i) => i !== 9).concat(["Learner 009"]),
        );
        await page.fill("input[name=q]", "");
        await page.selectOption("select[name=level]", "senior");
        await page.selectOption("select[name=cohort]", "2026-autumn");
        await submitFilters(page);
        const url = new URL(page.url());
        assert.equal(url.searchParams.get("level"), "senior");
        assert.equal(url.searchParams.get("cohort"), "2026-autumn");
        // Senior (i % 3 = 2) and autumn (odd i): i = 5, 11, 17, ... below 120.
        assert.match(await count(page), /^1–20 of 20 learners/);
        await page.click("a[data-sort=readiness]");
        assert.equal(new URL(page.url()).searchParams.get("sort"), "readiness");
        assert.equal(
          await page.locator("th[data-col=readiness]").getAttribute("aria-sort"),
          "descending",
        );
        const readiness = async () =>
          (await page.locator("td[data-label=Readiness]").allInnerTexts()).map((s) =>
            parseFloat(s)
          );
        const desc = await readiness();
        assert.deepEqual(desc, [...desc].sort((x, y) => y - x));
        await page.click("a[data-sort=readiness]");
        assert.equal(new URL(page.url()).searchParams.get("order"), "asc");
        const asc = await readiness();
        assert.deepEqual(asc, [...asc].sort((x, y) => x - y));
        // The filters stayed through the sort; a reload shows the same state.
        await page.reload();
        assert.equal(await page.locator("select[name=level]").inputValue(), "senior");
        assert.equal(await page.locator("select[name=cohort]").inputValue(), "2026-autumn");
        assert.deepEqual(await readiness(), asc);
        // Needs attention and band filters too.
        await page.check("input[name=attention]");
        await page.selectOption("select[name=band]", "Developing");
        await submitFilters(page);
        const u = new URL(page.url());
        assert.deepEqual(
          [u.searchParams.get("attention"), u.searchParams.get("band"), u.searchParams.get("sort")],
          ["true", "Developing", "readiness"],
        );
        assert.ok(await page.locator("input[name=attention]").isChecked());
        assert.ok((await names(page)).length > 0);
        // Rows link to the learner's page (opening it is covered on real data by the dashboard test).
        const first = page.locator("[data-testid=learner-table] tbody tr").first();
        const id = await first.getAttribute("data-user");
        assert.equal(await first.locator("th a").getAttribute("href"), `/learners/${id}`);
        assert.deepEqual(errors, []);
        await close();
      });

      await t.step("axe-core finds nothing at 1280 and 375 px; no sideways scroll", async () => {
        const found: string[] = [];
        for (const width of [1280, 375]) {
          const { page, close } = await open("/learners?level=senior&sort=delta", width);
          for (const v of await axeViolations(page)) found.push(`@${width}: ${v}`);
          const overflow = await page.evaluate(() =>
            document.documentElement.scrollWidth - globalThis.innerWidth
          );
          assert.ok(overflow <= 1, `${overflow}px wider than ${width}px`);
          await page.screenshot({ path: `/tmp/learner-directory-${width}.png`, fullPage: true });
          await page.screenshot({ path: `/tmp/learner-directory-${width}-top.png` });
          await close();
        }
        assert.deepEqual(found, []);
      });

      await t.step("learners get the 403 page", async () => {
        const context = await b.freshContext("learner", ids[0], 1280);
        const page = await context.newPage();
        const res = await page.goto(`${b.baseUrl}/learners`);
        assert.equal(res?.status(), 403);
        await context.close();
      });
    } finally {
      await b.close();
    }
  },
});
