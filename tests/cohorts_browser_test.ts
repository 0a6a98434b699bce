/**
 * The cohort page in a real browser, on the demo cohort plus hand-built learners: filters
 * round-trip through the URL, the KPI strip equals the API's overview, drill-down to a learner,
 * paging of needs attention, CSV links, empty and bad filters, axe-core at 1280 and 375 px.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";
import type { Role } from "../lib/auth.ts";
import { DEMO_COACH, DEMO_LEARNERS } from "../lib/demo/people.ts";
import { seedDemo } from "../lib/demo/seed.ts";
import { upsertProfile } from "../lib/learners/profile.ts";
import { computeUserReadiness } from "../lib/readiness/mod.ts";
import { captureEvents } from "../lib/sessions/answers.ts";
import { hasChromium, startBrowserApp } from "./browser.ts";
import { lowRule, readinessConfig, shipped } from "./static_config.ts";

const AXE_SOURCE = (axe as unknown as { source: string }).source;
const DAY = 24 * 60 * 60 * 1000;
/** A learner who practised 45 to 35 days ago, poorly: stalled, with skills persistently low. */
const STALLED = "7a1d2c3b-4a59-4e7d-8c21-0a1b2c3d4f01";
/** Learners of their own cohort, each with one old answer and no snapshot: stalled, 21 of them. */
const QUIET_COHORT = "2026-quiet";
const QUIET = Array.from(
  { length: 21 },
  (_, i) => `7a1d2c3b-4a59-4e7d-8c21-0a1b2c3d5${String(i).padStart(3, "0")}`,
);

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

const dateOnly = (ms: number) => new Date(ms).toISOString().slice(0, 10);

Deno.test({
  name: "cohorts page in Chromium",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const b = await startBrowserApp();
    try {
      const sql = b.db.sql;
      // The named people only: the figures below are worked out from them and the quiet learners.
      await seedDemo(sql, shipped, { cohort: false });
      const now = Date.now();
      await upsertProfile(sql, STALLED, {
        level: "senior",
        track: "backend",
        cohort: "2026-autumn",
      });
      for (const [i, daysAgo] of [45, 40, 35].entries()) {
        const at = now - daysAgo * DAY;
        const answers = Array.from({ length: 3 }, (_, a) => ({
          answer_id: `q${a + 1}`,
          ts: new Date(at + a * 60_000).toISOString(),
          pulse_step: "lead",
          scores: { system_design: 30 + i, communication: 35, structure: 40, probe: 45 },
        }));
        await captureEvents(sql, crypto.randomUUID(), {
          user_id: STALLED,
          scenario_id: "backend-senior-1",
          answers,
        }, lowRule);
        await computeUserReadiness(sql, STALLED, {
          config: readinessConfig,
          asOf: new Date(answers[2].ts),
        });
      }
      for (const [i, id] of QUIET.entries()) {
        await upsertProfile(sql, id, { level: "junior", track: "data", cohort: QUIET_COHORT });
        await captureEvents(sql, crypto.randomUUID(), {
          user_id: id,
          scenario_id: "data-junior-1",
          answers: [{
            answer_id: "q1",
            ts: new Date(now - (20 + i) * DAY).toISOString(),
            pulse_step: "lead",
            scores: { communication: 50 },
          }],
        }, lowRule);
      }

      const api = async (path: string) => {
        const res = await fetch(`${b.baseUrl}${path}`, {
          headers: { authorization: `Bearer ${await b.token("coach", DEMO_COACH.userId)}` },
        });
        assert.equal(res.status, 200, `${path}: ${res.status}`);
        return await res.json();
      };
      const open = async (role: Role, userId: string, path: string, width = 1280) => {
        const context = await b.freshContext(role, userId, width);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
        const res = await page.goto(`${b.baseUrl}${path}`);
        await page.waitForFunction(() =>
          document.querySelectorAll("[data-island]:not([data-hydrated=true])").length === 0
        );
        return { page, res, errors, close: () => context.close() };
      };
      /** The KPI strip and band counts of the page, as numbers. */
      const shown = async (page: Page) => ({
        kpis: Object.fromEntries(
          await page.locator("[data-kpi]").evaluateAll((els) =>
            els.map((e) => {
              const v = (e as HTMLElement).dataset.value!;
              return [(e as HTMLElement).dataset.kpi, v === "" ? null : Number(v)];
            })
          ),
        ),
        bands: Object.fromEntries(
          await page.locator("[data-testid=band-counts] [data-band]").evaluateAll((els) =>
            els.map((
              e,
            ) => [(e as HTMLElement).dataset.band, Number((e as HTMLElement).dataset.count)])
          ),
        ),
      });
      const expected = (p: Record<string, unknown>) => ({
        kpis: {
          learners: p.learners,
          active_learners: p.active_learners,
          sessions: p.sessions,
          answers: p.answers,
          with_readiness: p.with_readiness,
          mean_readiness: p.mean_readiness,
        },
        bands: p.bands,
      });

      await t.step("filters round-trip through the URL; the KPIs are the API's", async () => {
        const { page, errors, close } = await open("coach", DEMO_COACH.userId, "/cohorts");
        assert.deepEqual(
          await page.locator("header nav a").evaluateAll((els) =>
            els.map((e) => [e.textContent, e.getAttribute("aria-current")])
          ),
          [["Learners", null], ["Cohorts", "page"]],
        );
        // Default period: the 28 days ending now; the page's CSV link carries the resolved period.
        const link = new URL(
          (await page.locator("[data-testid=csv-overview]").getAttribute("href"))!,
          b.baseUrl,
        );
        const to = Date.parse(link.searchParams.get("to")!);
        assert.equal(to - Date.parse(link.searchParams.get("from")!), 28 * DAY);
        assert.ok(Math.abs(to - Date.now()) < 60_000);
        link.searchParams.delete("format");
        const all = await api(`${link.pathname}${link.search}`);
        assert.deepEqual(await shown(page), expected(all.current));
        assert.equal(all.current.learners, DEMO_LEARNERS.length + 1 + QUIET.length);

        // Submit a level and a period of whole days through the form.
        const from = dateOnly(Date.now() - 27 * DAY);
        const until = dateOnly(Date.now() + DAY);
        await page.selectOption("select[name=level]", "senior");
        await page.fill("input[name=from]", from);
        await page.fill("input[name=to]", until);
        await Promise.all([
          page.waitForURL(/level=senior/),
          page.click("[data-testid=cohort-filters] button"),
        ]);
        const url = new URL(page.url());
        assert.equal(url.pathname, "/cohorts");
        assert.equal(url.searchParams.get("level"), "senior");
        assert.equal(url.searchParams.get("from"), from);
        assert.equal(url.searchParams.get("to"), until);
        const q = `level=senior&from=${from}T00:00:00.000Z&to=${until}T00:00:00.000Z`;
        const senior = await api(`/api/cohorts/overview?${q}`);
        assert.deepEqual(await shown(page), expected(senior.current));
        const seniors = DEMO_LEARNERS.filter((l) => l.level === "senior").length + 1;
        assert.equal(senior.current.learners, seniors);
        // The previous period's change is on the cards, in words.
        assert.match(
          await page.locator("[data-kpi=sessions] .kpi-change").innerText(),
          /^([+\u2212]\d[\d,]*|\u00b10) vs previous 28 days$/,
        );
        // The skills table has the API's figures for the same query.
        const skills = await api(`/api/cohorts/skills?${q}`);
        for (const s of skills.skills) {
          const row = page.locator(`[data-testid=skills-table] tr[data-skill=${s.skill_tag}]`);
          assert.equal(
            await row.locator("[data-field=participants]").innerText(),
            String(s.participants),
          );
          const lift = await row.locator("[data-field=lift]").innerText();
          if (s.lift.n < 2) assert.match(lift, /^too few learners \(n = \d\)$|^no participants$/);
          else assert.match(lift, new RegExp(`\\(95\\s% CI .+ to .+, n = ${s.lift.n}\\)$`));
        }

        // A shared link opens the same filters and figures.
        const again = await open("coach", DEMO_COACH.userId, `${url.pathname}${url.search}`);
        assert.equal(await again.page.locator("select[name=level]").inputValue(), "senior");
        assert.equal(await again.page.locator("input[name=from]").inputValue(), from);
        assert.equal(await again.page.locator("input[name=to]").inputValue(), until);
        assert.deepEqual(await shown(again.page), expected(senior.current));
        await again.close();

        // Quick period: the last 12 weeks keeps the level.
        await Promise.all([
          page.waitForURL(/from=/),
          page.click("a:text('Last 12 weeks')"),
        ]);
        const twelve = new URL(page.url());
        assert.equal(twelve.searchParams.get("level"), "senior");
        assert.equal(
          Date.parse(twelve.searchParams.get("to")!) - Date.parse(twelve.searchParams.get("from")!),
          84 * DAY,
        );
        assert.equal(await page.locator("[data-testid=bands-chart] .band-bar").count(), 13);
        assert.deepEqual(errors, []);
        await close();
      });

      await t.step(
        "needs attention: reasons in words, paging, drill-down to a learner",
        async () => {
          const { page, errors, close } = await open(
            "coach",
            DEMO_COACH.userId,
            "/cohorts?level=senior",
          );
          const item = page.locator(`[data-testid=attention-list] li[data-user='${STALLED}']`);
          assert.match(
            await item.locator("[data-reason=stalled]").innerText(),
            /^No practice since \d{1,2} [A-Z][a-z]{2}( \d{4})?; readiness \d+$/,
          );
          assert.match(
            await item.locator("[data-reason=persistently_low]").innerText(),
            /^.+ low in (each of )?the last 3 sessions$/,
          );
          // Paging: 20 per page, the cursor in the URL.
          await page.goto(`${b.baseUrl}/cohorts?cohort=${QUIET_COHORT}`);
          assert.equal(await page.locator("[data-testid=attention-list] > li").count(), 20);
          assert.match(
            await page.locator("[data-testid=attention-list] > li [data-reason=stalled]").first()
              .innerText(),
            /; no readiness yet$/,
          );
          await Promise.all([
            page.waitForURL(/cursor=/),
            page.click("[data-testid=attention-more]"),
          ]);
          assert.equal(new URL(page.url()).searchParams.get("cohort"), QUIET_COHORT);
          assert.equal(await page.locator("[data-testid=attention-list] > li").count(), 1);
          assert.equal(await page.locator("[data-testid=attention-more]").count(), 0);
          // Drill-down from the list to the learner's page.
          await page.goto(`${b.baseUrl}/cohorts?level=senior`);
          const link = page.locator(`[data-testid=attention-list] li[data-user='${STALLED}'] a`);
          const name = await link.innerText();
          await Promise.all([page.waitForURL(`${b.baseUrl}/learners/${STALLED}`), link.click()]);
          assert.equal(await page.locator("h1").innerText(), name);
          assert.deepEqual(errors, []);
          await close();
        },
      );

      await t.step("every CSV link answers text/csv with the page's cookie session", async () => {
        const { page, close } = await open("coach", DEMO_COACH.userId, "/cohorts?level=senior");
        for (const id of ["csv-overview", "csv-skills", "csv-bands", "csv-attention"]) {
          const href = (await page.locator(`[data-testid=${id}]`).getAttribute("href"))!;
          assert.match(href, /[?&]level=senior&/);
          const res = await page.context().request.get(`${b.baseUrl}${href}`);
          assert.equal(res.status(), 200, id);
          assert.equal(res.headers()["content-type"], "text/csv; charset=utf-8", id);
          assert.match(await res.text(), /^[a-z_]+,/, id);
        }
        await close();
      });

      await t.step("empty and bad filters: one message each", async () => {
        const empty = await open("coach", DEMO_COACH.userId, "/cohorts?cohort=nobody");
        assert.equal(empty.res?.status(), 200);
        assert.equal(
          await empty.page.locator("[data-testid=no-learners]").innerText(),
          "No learner matches these filters. Try fewer filters.",
        );
        assert.equal(await empty.page.locator("[data-kpi]").count(), 0);
        await empty.close();
        const bad = await open(
          "coach",
          DEMO_COACH.userId,
          "/cohorts?level=wizard&from=2026-12-01&to=2026-11-01",
        );
        assert.equal(bad.res?.status(), 400);
        assert.deepEqual(
          await bad.page.locator("[data-testid=filter-problems] li").allInnerTexts(),
          ["There is no level “wizard”.", "“To” must be after “From”."],
        );
        await bad.close();
      });

      await t.step("a learner gets the 403 page that says what they can do", async () => {
        const { page, res, close } = await open("learner", DEMO_LEARNERS[0].userId, "/cohorts");
        assert.equal(res?.status(), 403);
        assert.match(
          await page.locator("[data-testid=forbidden-text]").innerText(),
          /^You can only see your own progress/,
        );
        await close();
      });

      await t.step("axe-core, no horizontal scroll, no errors at 1280 and 375 px", async () => {
        const found: string[] = [];
        for (const width of [1280, 375]) {
          for (const path of ["/cohorts", "/cohorts?level=senior", "/cohorts?cohort=nobody"]) {
            const { page, errors, close } = await open("coach", DEMO_COACH.userId, path, width);
            await page.locator("details.data-table").evaluateAll((els) =>
              els.forEach((e) => ((e as HTMLDetailsElement).open = true))
            );
            for (const v of await axeViolations(page)) found.push(`${path} @${width}: ${v}`);
            const overflow = await page.evaluate(() =>
              document.documentElement.scrollWidth - globalThis.innerWidth
            );
            assert.ok(overflow <= 1, `${path} is ${overflow}px wider than ${width}px`);
            // Date labels under the band chart do not overlap.
            const ticks = await page.locator("[data-testid=bands-chart] .tchart-x span")
              .evaluateAll((els) =>
                els.map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.right])
              );
            for (let i = 1; i < ticks.length; i++) {
              assert.ok(ticks[i][0] >= ticks[i - 1][1], `${path} @${width}: date labels overlap`);
            }
            assert.deepEqual(errors, [], `${path} @${width}`);
            await page.locator("details.data-table").evaluateAll((els) =>
              els.forEach((e) => ((e as HTMLDetailsElement).open = false))
            );
            if (path === "/cohorts") {
              await page.screenshot({ path: `/tmp/cohorts-${width}.png`, fullPage: true });
            }
            await close();
          }
        }
        assert.deepEqual(found, []);
      });
    } finally {
      await b.close();
    }
  },
});
