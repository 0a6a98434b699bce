/**
 * The validity page in a real browser, on the demo people with their demo outcomes and a few more:
 * the admin sees the API's figures, filters round-trip through the URL, the backtest of the current
 * config shows an AUC difference of exactly 0, a bad config is named by its field, a coach gets
 * the 403 page, axe-core is clean and nothing overflows at 1280 and 375 px.
 */
import { shipped } from "./static_config.ts";
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";
import type { Role } from "../lib/auth.ts";
import { DEMO_ADMIN, DEMO_COACH, DEMO_LEARNERS } from "../lib/demo/people.ts";
import { seedDemo } from "../lib/demo/seed.ts";
import { recordOutcomes, type ValidityReport } from "../lib/validity/mod.ts";
import { hasChromium, SCREENSHOT_DIR, startBrowserApp } from "./browser.ts";

const AXE_SOURCE = (axe as unknown as { source: string }).source;
const DAY = 24 * 60 * 60 * 1000;
/** PULSE_UPDATE_SCREENSHOTS=1 also writes the page's screenshots into docs/screenshots/. */
const DOCS_SCREENSHOTS = Deno.env.get("PULSE_UPDATE_SCREENSHOTS") === "1"
  ? new URL("../docs/screenshots/", import.meta.url).pathname
  : null;

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
const num = (v: string | null) => (v === null || v === "" ? null : Number(v));

Deno.test({
  name: "validity page in Chromium",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const b = await startBrowserApp();
    try {
      const sql = b.db.sql;
      // The named people and their demo outcomes, and three more interviews each (both results),
      // so both classes are there to judge.
      await seedDemo(sql, shipped, { cohort: false });
      const now = Date.now();
      for (const [i, learner] of DEMO_LEARNERS.entries()) {
        await recordOutcomes(sql, learner.userId, {
          outcomes: [5, 12, 20].map((daysAgo, k) => ({
            outcome_id: `extra-${k}`,
            occurred_at: new Date(now - daysAgo * DAY - i * 3_600_000).toISOString(),
            result: (i + k) % 2 === 0 ? "passed" as const : "failed" as const,
          })),
        });
      }

      const api = async (path: string) => {
        const res = await fetch(`${b.baseUrl}${path}`, {
          headers: { authorization: `Bearer ${await b.token("admin", DEMO_ADMIN.userId)}` },
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
        return { page, res, errors, close: () => context.close() };
      };
      /** The figures the page shows, as the API's exact values (data attributes). */
      const shown = async (page: Page) => {
        const auc = page.locator("[data-testid=auc-sentence]");
        return {
          paired: num(
            await page.locator("[data-testid=outcome-counts] [data-field=paired]").getAttribute(
              "data-value",
            ),
          ),
          unpaired: num(
            await page.locator("[data-testid=outcome-counts] [data-field=unpaired]")
              .getAttribute("data-value"),
          ),
          auc: [
            num(await auc.getAttribute("data-value")),
            num(await auc.getAttribute("data-lo")),
            num(await auc.getAttribute("data-hi")),
          ],
          bands: await page.locator("[data-testid=bands-table] tbody tr").evaluateAll((els) =>
            els.map((e) => {
              const f = (k: string) => e.querySelector(`[data-field=${k}]`) as HTMLElement;
              const n = (v: string | undefined) => (v ? Number(v) : null);
              return {
                band: (e as HTMLElement).dataset.band,
                outcomes: Number(f("outcomes").textContent),
                passed: Number(f("passed").textContent),
                pass_rate: n(f("pass_rate").dataset.value),
                ci95: f("ci95").dataset.lo
                  ? [n(f("ci95").dataset.lo), n(f("ci95").dataset.hi)]
                  : null,
              };
            })
          ),
          predicted: Object.fromEntries(
            await Promise.all(
              ["40", "70", "85"].map(async (at) => [
                at,
                num(
                  await page.locator(`[data-testid=calibration] [data-field=predicted-${at}]`)
                    .getAttribute("data-value"),
                ),
              ]),
            ),
          ),
          brier: num(
            await page.locator("[data-testid=calibration] [data-field=brier]").getAttribute(
              "data-value",
            ),
          ),
        };
      };
      const expected = (r: ValidityReport) => ({
        paired: r.paired,
        unpaired: r.unpaired,
        auc: [r.auc.value, r.auc.ci95?.[0] ?? null, r.auc.ci95?.[1] ?? null],
        bands: r.bands,
        predicted: r.calibration.predicted,
        brier: r.calibration.brier,
      });

      await t.step("the admin sees the API's figures, in words a person reads", async () => {
        const cohorts = await open("admin", DEMO_ADMIN.userId, "/cohorts");
        await Promise.all([
          cohorts.page.waitForURL(/\/cohorts\/validity/),
          cohorts.page.click("[data-testid=validity-link]"),
        ]);
        const page = cohorts.page;
        const report = await api("/api/cohorts/validity");
        assert.ok(report.passed > 0 && report.failed > 0, JSON.stringify(report.auc));
        assert.deepEqual(await shown(page), expected(report));
        assert.equal(
          await page.locator("[data-testid=auc-sentence]").innerText(),
          `A learner who passed had a higher readiness than one who failed ${
            Math.round(report.auc.value * 100)
          }\u00a0% of the time (95\u00a0% interval ${
            Math.round(report.auc.ci95[0] * 100)
          }\u2060–\u2060${Math.round(report.auc.ci95[1] * 100)}\u00a0%).`,
        );
        // Fewer than 20 of a class: flagged in words.
        assert.ok(report.too_few_to_judge);
        assert.match(
          await page.locator("[data-testid=too-few]").innerText(),
          new RegExp(`^Too few to judge: .* ${report.passed} passed and ${report.failed} failed`),
        );
        // Percentages as a person reads them: no 4-place figures in the text.
        assert.doesNotMatch(await page.locator("main").innerText(), /0\.\d{3,}/);
        // The reliability chart: the diagonal and one dot per decile with outcomes.
        assert.equal(await page.locator("[data-testid=reliability-chart-diagonal]").count(), 1);
        assert.equal(
          await page.locator("[data-testid=reliability-chart] .rchart-dot").count(),
          report.calibration.reliability.filter((r: { n: number }) => r.n > 0).length,
        );
        // Per formula version.
        assert.deepEqual(
          await page.locator("[data-testid=versions-table] tbody tr").evaluateAll((els) =>
            els.map((e) => (e as HTMLElement).dataset.version)
          ),
          report.by_formula_version.map((v: { formula_version: string }) => v.formula_version),
        );
        assert.deepEqual(cohorts.errors, []);
        await cohorts.close();
      });

      await t.step("filters round-trip through the URL", async () => {
        const { page, errors, close } = await open("admin", DEMO_ADMIN.userId, "/cohorts/validity");
        const from = dateOnly(Date.now() - 30 * DAY);
        const until = dateOnly(Date.now() + DAY);
        await page.selectOption("select[name=level]", "senior");
        await page.fill("input[name=from]", from);
        await page.fill("input[name=to]", until);
        await Promise.all([
          page.waitForURL(/level=senior/),
          page.click("[data-testid=cohort-filters] button"),
        ]);
        const url = new URL(page.url());
        assert.equal(url.pathname, "/cohorts/validity");
        assert.deepEqual(
          [url.searchParams.get("level"), url.searchParams.get("from"), url.searchParams.get("to")],
          ["senior", from, until],
        );
        const q = `level=senior&from=${from}T00:00:00.000Z&to=${until}T00:00:00.000Z`;
        const senior = await api(`/api/cohorts/validity?${q}`);
        assert.ok(senior.outcomes > 0);
        assert.deepEqual(await shown(page), expected(senior));
        const again = await open("admin", DEMO_ADMIN.userId, `${url.pathname}${url.search}`);
        assert.equal(await again.page.locator("select[name=level]").inputValue(), "senior");
        assert.equal(await again.page.locator("input[name=from]").inputValue(), from);
        assert.equal(await again.page.locator("input[name=to]").inputValue(), until);
        assert.deepEqual(await shown(again.page), expected(senior));
        await again.close();
        assert.deepEqual(errors, []);
        await close();
      });

      await t.step("the backtest of the current config: AUC difference exactly 0", async () => {
        const { page, errors, close } = await open(
          "admin",
          DEMO_ADMIN.userId,
          "/cohorts/validity?level=senior",
        );
        const [res] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === "POST"),
          page.click("[data-testid=backtest-form] button"),
        ]);
        assert.equal(res.status(), 200);
        await page.waitForSelector("[data-testid=backtest-result]");
        assert.equal(new URL(page.url()).searchParams.get("level"), "senior");
        const diff = page.locator("[data-testid=auc-difference]");
        assert.equal(await diff.getAttribute("data-value"), "0");
        assert.equal(await diff.getAttribute("data-lo"), "0");
        assert.equal(await diff.getAttribute("data-hi"), "0");
        assert.match(await diff.innerText(), /: ±0 percentage points \(95\s% interval ±0 to ±0\)/);
        // The API answers the same difference for the same filters.
        const config = JSON.parse(await page.locator("textarea[name=config]").inputValue());
        const apiRes = await fetch(`${b.baseUrl}/api/admin/formula-backtest`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${await b.token("admin", DEMO_ADMIN.userId)}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ config, level: "senior" }),
        });
        const body = await apiRes.json();
        assert.deepEqual(body.auc_difference.value, 0);
        // Side by side: the same figures in both columns.
        const cells = await page.locator("[data-testid=backtest-table] tbody tr").evaluateAll(
          (els) =>
            els.map((e) => [
              e.querySelector("[data-side=current]")!.textContent,
              e.querySelector("[data-side=candidate]")!.textContent,
            ]),
        );
        assert.ok(cells.length > 5);
        for (const [current, candidate] of cells) assert.equal(candidate, current);
        assert.deepEqual(errors, []);
        await close();
      });

      await t.step("a bad candidate config: 400, the field named, the text kept", async () => {
        const { page, close } = await open("admin", DEMO_ADMIN.userId, "/cohorts/validity");
        const config = JSON.parse(await page.locator("textarea[name=config]").inputValue());
        config.components.technical.weight = "heavy";
        const text = JSON.stringify(config, null, 2);
        await page.fill("textarea[name=config]", text);
        const [res] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === "POST"),
          page.click("[data-testid=backtest-form] button"),
        ]);
        assert.equal(res.status(), 400);
        await page.waitForSelector("[data-testid=backtest-problems]");
        const problems = await page.locator("[data-testid=backtest-problems] li").allInnerTexts();
        assert.ok(
          problems.some((p) => p.startsWith("config.components.technical.weight: ")),
          problems.join("\n"),
        );
        assert.equal(await page.locator("textarea[name=config]").inputValue(), text);
        assert.equal(await page.locator("[data-testid=backtest-result]").count(), 0);
        await page.fill("textarea[name=config]", "{ not json");
        const [again] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === "POST"),
          page.click("[data-testid=backtest-form] button"),
        ]);
        assert.equal(again.status(), 400);
        assert.match(
          await page.locator("[data-testid=backtest-problems] li").first().innerText(),
          /^config: not valid JSON/,
        );
        await close();
      });

      await t.step(
        "a coach and a learner get the 403 page; a coach sees no link to it",
        async () => {
          const { page, res, close } = await open("coach", DEMO_COACH.userId, "/cohorts/validity");
          assert.equal(res?.status(), 403);
          assert.match(
            await page.locator("[data-testid=forbidden-text]").innerText(),
            /^This page is for admins\./,
          );
          const post = await page.context().request.post(`${b.baseUrl}/cohorts/validity`, {
            form: { config: "{}" },
            headers: { origin: b.baseUrl },
          });
          assert.equal(post.status(), 403);
          await page.goto(`${b.baseUrl}/cohorts`);
          assert.equal(await page.locator("[data-testid=validity-link]").count(), 0);
          await close();
          const learner = await open("learner", DEMO_LEARNERS[0].userId, "/cohorts/validity");
          assert.equal(learner.res?.status(), 403);
          assert.match(
            await learner.page.locator("[data-testid=forbidden-text]").innerText(),
            /^You can only see your own progress/,
          );
          await learner.close();
        },
      );

      await t.step("axe-core, no horizontal scroll, no errors at 1280 and 375 px", async () => {
        const found: string[] = [];
        for (const width of [1280, 375]) {
          for (const path of ["/cohorts/validity", "/cohorts/validity?cohort=nobody"]) {
            const { page, errors, close } = await open("admin", DEMO_ADMIN.userId, path, width);
            if (path === "/cohorts/validity") {
              await Promise.all([
                page.waitForResponse((r) => r.request().method() === "POST"),
                page.click("[data-testid=backtest-form] button"),
              ]);
              await page.waitForSelector("[data-testid=backtest-result]");
            }
            await page.locator("details.data-table").evaluateAll((els) =>
              els.forEach((e) => ((e as HTMLDetailsElement).open = true))
            );
            for (const v of await axeViolations(page)) found.push(`${path} @${width}: ${v}`);
            const overflow = await page.evaluate(() =>
              document.documentElement.scrollWidth - globalThis.innerWidth
            );
            assert.ok(overflow <= 1, `${path} is ${overflow}px wider than ${width}px`);
            assert.deepEqual(errors, [], `${path} @${width}`);
            if (path === "/cohorts/validity") {
              await page.locator("details.data-table").evaluateAll((els) =>
                els.forEach((e) => ((e as HTMLDetailsElement).open = false))
              );
              const name = `validity-${width}.png`;
              await page.screenshot({ path: `${SCREENSHOT_DIR}${name}`, fullPage: true });
              if (DOCS_SCREENSHOTS) {
                await page.screenshot({ path: `${DOCS_SCREENSHOTS}${name}`, fullPage: true });
              }
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
