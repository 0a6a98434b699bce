/**
 * The learner dashboard, the coach's learner pages and the admin console in a real browser, on
 * seeded demo data: numbers against the API, chart geometry, navigation, and axe-core.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";
import type { Role } from "../lib/auth.ts";
import { DEMO_ADMIN, DEMO_COACH, DEMO_LEARNERS } from "../lib/demo/people.ts";
import { COHORT_SIZE, seedDemo } from "../lib/demo/seed.ts";
import { formatDelta } from "../islands/ReadinessCard.tsx";
import { personScore, wholeDays } from "../lib/ui/format.ts";
import { hasChromium, SCREENSHOT_DIR, startBrowserApp } from "./browser.ts";
import { shipped } from "./static_config.ts";

const [maya, jonas] = DEMO_LEARNERS;
const AXE_SOURCE = (axe as unknown as { source: string }).source;
/** PULSE_UPDATE_SCREENSHOTS=1 also writes the screenshots of docs/pages.md into docs/screenshots/. */
const DOCS_SCREENSHOTS = Deno.env.get("PULSE_UPDATE_SCREENSHOTS") === "1"
  ? new URL("../docs/screenshots/", import.meta.url).pathname
  : null;

/** Runs axe-core in the page; returns the violations as readable lines. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's Content-Security-Policy allows it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any -- axe is the global the injected source defines
    const r = await (globalThis as any).axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v: { id: string; help: string; nodes: { target: string[] }[] }) =>
      `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`
    );
  });
  return violations;
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
  if (DOCS_SCREENSHOTS) {
    await Deno.mkdir(DOCS_SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${DOCS_SCREENSHOTS}${name}.png`, fullPage: true });
  }
}

Deno.test({
  name: "dashboard, learner pages and admin console in Chromium",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const b = await startBrowserApp();
    try {
      const seeded = await seedDemo(b.db.sql, shipped);
      assert.equal(seeded.learners, DEMO_LEARNERS.length + COHORT_SIZE);
      const api = async (path: string, init: RequestInit = {}, role: Role = "service") => {
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
      const open = async (role: Role | null, userId: string, path: string, width = 1280) => {
        const context = role
          ? await b.freshContext(role, userId, width)
          : await b.browser.newContext({ viewport: { width, height: 900 } });
        context.setDefaultTimeout(60_000);
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

      await t.step("sign-in returns to ?next; sign-out by GET", async () => {
        const { page, close } = await open(null, "", `/learners/${maya.userId}`);
        assert.match(page.url(), new RegExp(`/demo\\?next=%2Flearners%2F${maya.userId}$`));
        await page.click(`button[data-user='${maya.userId}']`);
        await page.waitForURL(`${b.baseUrl}/learners/${maya.userId}`);
        assert.equal(await page.locator("h1").innerText(), maya.name);
        // A next that leaves the site is ignored.
        await page.goto(`${b.baseUrl}/demo?next=//evil.example/x`);
        assert.equal(await page.locator("input[name=next]").count(), 0);
        await page.goto(`${b.baseUrl}/sign-out`);
        assert.match(page.url(), /\/demo$/);
        // Signed out: no session cookie (the time-zone preference stays).
        assert.deepEqual(
          (await page.context().cookies()).filter((c) => c.name !== "pulse_tz"),
          [],
        );
        await close();
      });

      await t.step(
        "axe-core: no violations on any page at 1280 px and 375 px (screenshots)",
        async () => {
          const pages: { name: string; role: Role | null; userId: string; path: string }[] = [
            { name: "demo", role: null, userId: "", path: "/demo" },
            { name: "dashboard", role: "learner", userId: maya.userId, path: "/dashboard" },
            { name: "learners", role: "coach", userId: DEMO_COACH.userId, path: "/learners" },
            {
              name: "learner",
              role: "coach",
              userId: DEMO_COACH.userId,
              path: `/learners/${jonas.userId}`,
            },
            { name: "admin", role: "admin", userId: DEMO_ADMIN.userId, path: "/admin" },
            {
              name: "forbidden",
              role: "learner",
              userId: maya.userId,
              path: `/learners/${jonas.userId}`,
            },
            { name: "not-found", role: "learner", userId: maya.userId, path: "/nowhere" },
          ];
          const found: string[] = [];
          for (const width of [1280, 375]) {
            for (const p of pages) {
              const { page, close } = await open(p.role, p.userId, p.path, width);
              // Open the data tables too, so their markup is checked.
              await page.locator("details.data-table").evaluateAll((els) =>
                els.forEach((e) => ((e as HTMLDetailsElement).open = true))
              );
              for (const v of await axeViolations(page)) found.push(`${p.name} @${width}: ${v}`);
              const overflow = await page.evaluate(() =>
                document.documentElement.scrollWidth - globalThis.innerWidth
              );
              assert.ok(overflow <= 1, `${p.name} is ${overflow}px wider than ${width}px`);
              await page.locator("details.data-table").evaluateAll((els) =>
                els.forEach((e) => ((e as HTMLDetailsElement).open = false))
              );
              const shot = { dashboard: "dashboard", learner: "learner-page", admin: "admin" }[
                p.name as "dashboard" | "learner" | "admin"
              ];
              if (shot) await screenshot(page, `${shot}-${width}`);
              await close();
            }
          }
          assert.deepEqual(found, []);
        },
      );

      await t.step("the dashboard shows the API's numbers", async () => {
        const readiness = await api(`/api/users/${maya.userId}/readiness?limit=500`);
        const coaching = await api(`/api/users/${maya.userId}/coaching?audience=learner`);
        const bands = [40, 70, 85];
        const html = await (await fetch(`${b.baseUrl}/dashboard`, {
          headers: { cookie: `pulse_token=${await b.token("learner", maya.userId)}` },
        })).text();
        assert.ok(
          html.includes(
            `data-value="${readiness.latest.overall}">${
              personScore(readiness.latest.overall, bands)
            }<`,
          ),
          "overall is in the server HTML",
        );

        const { page, errors, close } = await open("learner", maya.userId, "/dashboard");
        const text = async (selector: string) => (await page.locator(selector).innerText()).trim();
        assert.equal(
          await text("[data-testid=readiness-overall]"),
          personScore(readiness.latest.overall, bands),
        );
        assert.equal(await text("[data-testid=readiness-band]"), readiness.latest.band);
        assert.ok(
          (await text("[data-testid=readiness-delta]")).startsWith(
            formatDelta(readiness.delta),
          ),
        );
        assert.equal(await text("[data-testid=coaching-headline]"), coaching.headline);
        assert.match(
          coaching.headline,
          /^You're at \d+(\.\d)? \(Nearly Ready\): [\d.]+ points? to Strong\.$/,
        );

        // All six skills, each with the API's window average and evidence.
        const rows = page.locator("[aria-labelledby=breakdown-title] [data-skill]");
        assert.equal(await rows.count(), 6);
        assert.equal(coaching.skills.length, 6);
        for (const s of coaching.skills) {
          const row = page.locator(`[aria-labelledby=breakdown-title] [data-skill=${s.skill_tag}]`);
          assert.equal(
            await row.locator("[data-testid=skill-avg]").innerText(),
            personScore(s.avg_score, bands),
          );
          assert.equal(
            await row.locator("[data-testid=skill-evidence]").innerText(),
            `${s.answers} answers · ${s.sessions} sessions`,
          );
        }
        assert.ok((await text("[data-testid=next-step]")).includes(coaching.next_step.text));

        // Why it changed: the page's parts are the API's, and they add up to the delta; the
        // sentence names the change as the card shows it.
        assert.equal(await text("[data-testid=why-text]"), coaching.why_changed.text);
        const card = (await text("[data-testid=readiness-delta]")).split(/\s/)[0].slice(1);
        assert.ok(
          coaching.why_changed.text.includes(` ${card} point`),
          `card ${card} / ${coaching.why_changed.text}`,
        );
        const parts = await page.locator("[data-testid=contribution]").evaluateAll((els) =>
          els.map((e) => Number((e as HTMLElement).dataset.value))
        );
        assert.deepEqual(
          parts,
          coaching.why_changed.parts.map((p: { contribution: number }) => p.contribution),
        );
        const cents = (v: number) => Math.round(v * 100);
        assert.equal(
          parts.reduce((s, v) => s + cents(v), 0) + cents(coaching.why_changed.rounding),
          cents(readiness.delta),
        );

        // Projection: shown for this learner, with the API's sentence and rule.
        assert.equal(coaching.projection.shown, true);
        assert.equal(await text("[data-testid=projection-text]"), coaching.projection.text);
        assert.ok(
          (await text("[data-testid=projection]")).includes(coaching.projection.rule.description),
        );

        // Trend: x proportional to time, band thresholds drawn; the range switch redraws in place.
        const snapshots = readiness.history.filter((s: { overall: number | null }) =>
          s.overall !== null
        );
        assert.ok(snapshots.length > 20, `seed gives more than 20 snapshots: ${snapshots.length}`);
        const dots = () => page.locator("[data-testid=readiness-chart] .dot").count();
        assert.equal(await dots(), 10);
        assert.deepEqual(
          await page.locator("[data-testid=readiness-chart] .band-line").evaluateAll((els) =>
            els.map((e) => Number(e.getAttribute("data-band")))
          ),
          [40, 70, 85],
        );
        await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
        await page.click("button[data-range='20']");
        await page.waitForFunction(() =>
          document.querySelectorAll("[data-testid=readiness-chart] .dot").length === 20
        );
        await page.click("button[data-range='all']");
        await page.waitForFunction(
          (n) => document.querySelectorAll("[data-testid=readiness-chart] .dot").length === n,
          snapshots.length,
        );
        assert.equal(
          await page.evaluate(() => (globalThis as unknown as { marker: number }).marker),
          42,
        );
        const geometry = await page.locator("[data-testid=readiness-chart] .dot").evaluateAll((
          els,
        ) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            return { t: Number((e as HTMLElement).dataset.x), cx: r.left + r.width / 2 };
          })
        );
        const first = geometry[0];
        const last = geometry[geometry.length - 1];
        const pxPerMs = (last.cx - first.cx) / (last.t - first.t);
        const worst = Math.max(
          ...geometry.map((g) => Math.abs(first.cx + (g.t - first.t) * pxPerMs - g.cx)),
        );
        assert.ok(worst < 1, `dots are off their time position by up to ${worst}px`);
        assert.deepEqual(
          await page.locator("[data-testid=readiness-chart] .dot").evaluateAll((els) =>
            els.map((e) => Number((e as HTMLElement).dataset.y))
          ),
          snapshots.map((s: { overall: number }) => s.overall).reverse(),
        );
        // Every chart has its numbers as a table.
        assert.equal(
          await page.locator("[data-island=ReadinessTrend] table tbody tr").count(),
          snapshots.length,
        );

        // Skill trend follows the picker: one dot per session of the API's series.
        const trends = await api(
          `/api/users/${maya.userId}/skills/trends?skill_tag=system_design&window=last_10_sessions`,
        );
        const points = JSON.stringify(trends).match(/"session_id"/g)?.length ?? 0;
        assert.equal(points, 10);
        await page.selectOption("[data-island=SkillTrend] select", "system_design");
        await page.waitForFunction(
          (n) => document.querySelectorAll("[data-testid=skill-chart] .dot").length === n,
          points,
        );
        assert.match(await text("[data-testid=skill-chart-title]"), /^System design/);
        assert.equal(await page.locator("[data-island=SkillTrend] table tbody tr").count(), points);
        assert.deepEqual(errors, []);
        await close();
      });

      await t.step("403 pages speak to the role", async () => {
        const learner = await open("learner", maya.userId, `/learners/${jonas.userId}`);
        assert.equal(learner.res?.status(), 403);
        assert.match(
          await learner.page.locator("[data-testid=forbidden-text]").innerText(),
          /^You can only see your own progress/,
        );
        assert.equal(await learner.page.locator("[data-island]").count(), 0);
        await learner.close();
        const coach = await open("coach", DEMO_COACH.userId, "/admin");
        assert.equal(coach.res?.status(), 403);
        assert.match(
          await coach.page.locator("[data-testid=forbidden-text]").innerText(),
          /^This page is for admins\. As a coach you can open every learner's progress/,
        );
        await coach.close();
      });

      await t.step("coach: header links, names, profile-only learners, back link", async () => {
        const profileOnly = "0b6f3c1e-7a51-4c8e-9d40-5f6a7b8c9d99";
        await api(`/api/learners/${profileOnly}`, {
          method: "PUT",
          body: JSON.stringify({ level: "senior", track: "data" }),
        });
        const { page, close } = await open("coach", DEMO_COACH.userId, "/learners");
        assert.deepEqual(
          await page.locator("header nav a").evaluateAll((els) =>
            els.map((e) => [e.textContent, e.getAttribute("aria-current")])
          ),
          [["Learners", "page"], ["Cohorts", null]],
        );
        const names = await page.locator("[data-testid=learner-table] tbody th a").allInnerTexts();
        for (const l of DEMO_LEARNERS) assert.ok(names.includes(l.name), l.name);
        // A profile without sessions sorts last: found by the start of its id.
        await page.fill("input[name=q]", "0b6f3c");
        await page.click("button[data-action=apply-filters]");
        assert.deepEqual(
          await page.locator("[data-testid=learner-table] tbody th a").allInnerTexts(),
          ["Senior data learner 0b6f"],
        );
        assert.equal(
          await page.locator(`tr[data-user='${profileOnly}'] td`).last().innerText(),
          "no session yet",
        );
        await page.goto(`${b.baseUrl}/learners`);
        // Coaches see no recompute buttons.
        assert.equal(await page.locator("[data-action=recompute-row]").count(), 0);
        await page.click(`a[href='/learners/${maya.userId}']`);
        await page.waitForURL(`${b.baseUrl}/learners/${maya.userId}`);
        assert.equal(await page.locator(".back-link a").getAttribute("href"), "/learners");
        assert.equal(await page.locator("h1").innerText(), maya.name);
        await close();
      });

      await t.step("admin: KM curve from 100 % at day 0, one median, recompute", async () => {
        // Time to readiness lives on the cohorts page; recompute stays on the admin console.
        const cohorts = await open("admin", DEMO_ADMIN.userId, "/cohorts");
        let page = cohorts.page;
        assert.deepEqual(
          await page.locator("header nav a").allInnerTexts(),
          ["Learners", "Cohorts", "Admin"],
        );
        await page.waitForSelector("[data-testid=cohort-result]");
        const cohort = await api("/api/cohorts/time-to-readiness?from=40&to=70", {}, "admin");
        const km = cohort.kaplan_meier;
        assert.equal(
          await page.locator("[data-testid=km-median]").innerText(),
          km.median_days === null ? "not yet known" : wholeDays(km.median_days),
        );
        assert.equal(await page.locator("[data-testid=median-sentence]").count(), 1);
        // The curve starts at 100 % on day 0: the first dot sits on the plot's top-left corner.
        const start = await page.evaluate(() => {
          const chart = document.querySelector("[data-testid=km-chart]")!;
          const plot = chart.querySelector(".tchart-plot")!.getBoundingClientRect();
          const dot = chart.querySelector(".dot") as HTMLElement;
          const r = dot.getBoundingClientRect();
          return {
            x: Number(dot.dataset.x),
            y: Number(dot.dataset.y),
            dx: r.left + r.width / 2 - plot.left,
            dy: r.top + r.height / 2 - plot.top,
          };
        });
        assert.deepEqual([start.x, start.y], [0, 100]);
        assert.ok(Math.abs(start.dx) < 1 && Math.abs(start.dy) < 1, JSON.stringify(start));
        // A step function: the path only moves horizontally or vertically.
        const d = await page.locator("[data-testid=km-chart] .series-line").getAttribute("d");
        assert.match(d!, /^M0\.0 0\.0(H[\d.]+V[\d.]+)*H1000\.0$/);
        // Drops: one dot per day with learners reaching 70; censored learners marked.
        const drops = km.curve.filter((s: { reached: number }) => s.reached > 0).length;
        assert.equal(await page.locator("[data-testid=km-chart] .dot").count(), 1 + drops);
        const censoredDays = km.curve.filter((s: { censored: number }) => s.censored > 0).length;
        assert.ok(censoredDays > 0);
        assert.equal(
          await page.locator("[data-testid=km-chart] .censor-mark").count(),
          censoredDays,
        );
        assert.deepEqual(cohorts.errors, []);
        await cohorts.close();
        const { page: adminPage, errors, close } = await open("admin", DEMO_ADMIN.userId, "/admin");
        page = adminPage;

        // Per-row recompute with nothing new writes nothing and says so.
        const count = async () =>
          (await b.db.sql`select count(*)::int as n from analytics.user_readiness`)[0].n as number;
        const rowStatus = (prefix: string) =>
          page.waitForFunction(
            ([id, p]) =>
              document.querySelector(`tr[data-user='${id}'] [data-testid=row-status]`)?.textContent
                ?.startsWith(p),
            [maya.userId, prefix],
          );
        const before = await count();
        await page.click(`tr[data-user='${maya.userId}'] [data-action=recompute-row]`);
        await rowStatus("Unchanged");
        assert.equal(await count(), before);
        // After a new scored answer, per-row recompute writes one snapshot and shows it in the row.
        await api(`/api/sessions/${crypto.randomUUID()}/events`, {
          method: "POST",
          body: JSON.stringify({
            user_id: maya.userId,
            scenario_id: "backend-senior-1",
            answers: [{
              answer_id: "a1",
              ts: new Date(Date.now() - 60_000).toISOString(),
              pulse_step: "lead",
              scores: { structure: 99 },
            }],
          }),
        });
        await page.click(`tr[data-user='${maya.userId}'] [data-action=recompute-row]`);
        await rowStatus("Now");
        assert.equal(await count(), before + 1);
        const [latest] = await b.db.sql`
          select readiness_overall::float8 as overall, band from analytics.user_readiness
          where user_id = ${maya.userId} order by ts desc, id desc limit 1`;
        assert.equal(
          await page.locator(`tr[data-user='${maya.userId}'] [data-testid=row-status]`).innerText(),
          `Now ${latest.overall} (${latest.band})`,
        );

        // "Recompute all" asks first; cancelling writes nothing.
        await page.click("button[data-action=recompute-all]");
        assert.match(
          await page.locator("#confirm-all-text").innerText(),
          new RegExp(`all ${DEMO_LEARNERS.length + COHORT_SIZE} learners with scored answers`),
        );
        await page.click("button[data-action=cancel-recompute-all]");
        assert.equal(await page.locator("#confirm-all-text").count(), 0);
        assert.equal(await count(), before + 1);
        await page.click("button[data-action=recompute-all]");
        await page.click("button[data-action=confirm-recompute-all]");
        await page.waitForSelector("[data-testid=recompute-result]");
        // Nothing new since the last snapshots: every learner is checked, nothing is written.
        assert.equal(await page.locator("[data-field=snapshots]").innerText(), "0");
        assert.equal(await count(), before + 1);
        assert.deepEqual(errors, []);
        await close();
      });
    } finally {
      await b.close();
    }
  },
});
