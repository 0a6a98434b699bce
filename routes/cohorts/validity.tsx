/**
 * GET /cohorts/validity — readiness against real interview outcomes (admins): the cohort filters
 * in the URL (the period on occurred_at, default the 365 days ending now), the validity report
 * (lib/validity, the same function as GET /api/cohorts/validity) and the backtest form.
 * POST /cohorts/validity — the backtest of the posted candidate config on the URL's filters (the
 * same function and validation as POST /api/admin/formula-backtest), shown on the same page; a bad
 * config answers 400 with the page naming the field.
 */
import { type Context, Hono } from "hono";
import { CohortFilters } from "../_components/CohortFilters.tsx";
import {
  ValidityBands,
  ValidityCalibration,
  ValiditySummary,
  ValidityVersions,
} from "../_components/ValidityFigures.tsx";
import { ValidityBacktest } from "../_components/ValidityBacktest.tsx";
import { filterChoices } from "../../lib/cohorts/mod.ts";
import {
  AUC_METHOD,
  type Backtest,
  backtest,
  MIN_PER_CLASS,
  resolveValidityFilters,
  VALIDITY_DEFAULT_DAYS,
  validityReport,
} from "../../lib/validity/mod.ts";
import { readinessConfigSchema } from "../../lib/readiness/mod.ts";
import {
  filterHref,
  parseFilters,
  periodText,
  quickPeriodLinks,
  urlValues,
} from "../../lib/ui/cohort_filters.ts";
import { renderPage, withStatus } from "../../http/shell.tsx";
import { requirePageRole } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { Catalog } from "../../lib/catalog.ts";

const PATH = "/cohorts/validity";

/** The posted config text checked as the API checks `config`: problems name the field. */
function parseCandidate(text: string, catalog: Catalog) {
  if (text.trim() === "") {
    return { config: null, problems: ["config: enter a readiness config as JSON."] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return {
      config: null,
      problems: [`config: not valid JSON (${(e as Error).message}).`],
    };
  }
  const parsed = readinessConfigSchema(catalog.skillTags).safeParse(json);
  if (parsed.success) return { config: parsed.data, problems: [] };
  return {
    config: null,
    problems: parsed.error.issues.map((i) =>
      `${["config", ...i.path.map(String)].join(".")}: ${i.message}`
    ),
  };
}

/** The page, with a backtest result or the posted config's problems when there was a post. */
async function page(
  c: Context<AppEnv>,
  post: { configText: string; result: Backtest | null; problems: string[] } | null,
) {
  const sql = c.get("sql");
  const { catalog, readiness: readinessConfig } = c.get("settings");
  const values = urlValues(c.req.query());
  const { filters, problems } = parseFilters(
    values,
    catalog.levels,
    (q) => resolveValidityFilters(q),
  );
  const keep = { level: values.level, track: values.track, cohort: values.cohort };
  const quickLinks = quickPeriodLinks(PATH, values, filters, {
    defaultLabel: `Last ${VALIDITY_DEFAULT_DAYS} days`,
    longDays: 90,
    longLabel: "Last 90 days",
  });
  const [choices, report] = await Promise.all([
    filterChoices(sql),
    filters ? validityReport(sql, filters, readinessConfig) : null,
  ]);
  const action = filterHref(PATH, values, "#backtest");
  const body = (
    <>
      <h1>Readiness against interview outcomes</h1>
      <p>
        <a href={filterHref("/cohorts", keep)}>Back to Cohorts</a>
      </p>
      <div class="stack">
        <CohortFilters
          action={PATH}
          values={values}
          levels={catalog.levels}
          tracks={choices.tracks}
          cohorts={choices.cohorts}
          period={filters ? periodText(filters, values) : null}
          quickLinks={quickLinks}
          problems={problems}
          periodOn="The period is on the day of the interview."
          defaultPeriod={`the ${VALIDITY_DEFAULT_DAYS} days ending now`}
        />
        {report && (report.outcomes === 0
          ? (
            <section class="card">
              <p class="empty" data-testid="no-outcomes">
                No interview outcomes are recorded for these learners in this period. Try fewer
                filters or a longer period.
              </p>
            </section>
          )
          : (
            <>
              <ValiditySummary report={report} minimum={MIN_PER_CLASS} method={AUC_METHOD} />
              <ValidityBands report={report} />
              <ValidityCalibration report={report} />
              <ValidityVersions report={report} />
            </>
          ))}
        {filters && (
          <ValidityBacktest
            action={action}
            configText={post?.configText ?? JSON.stringify(readinessConfig, null, 2)}
            result={post?.result ?? null}
            problems={post?.problems ?? []}
            minimum={MIN_PER_CLASS}
          />
        )}
      </div>
    </>
  );
  const res = renderPage(c, "Readiness against interview outcomes", body);
  // Filters or a config that cannot be used are the request's fault: the page says why, with a 400.
  return problems.length || post?.problems.length ? withStatus(res, 400) : res;
}

export const validityPageRoutes = new Hono<AppEnv>()
  .get("/", requirePageRole("admin"), (c) => page(c, null))
  .post("/", requirePageRole("admin"), async (c) => {
    const form = await c.req.parseBody();
    const configText = typeof form.config === "string" ? form.config : "";
    const { catalog, readiness: readinessConfig } = c.get("settings");
    const { config, problems } = parseCandidate(configText, catalog);
    const { filters } = parseFilters(
      urlValues(c.req.query()),
      catalog.levels,
      (q) => resolveValidityFilters(q),
    );
    const result = config && filters
      ? await backtest(c.get("sql"), filters, config, readinessConfig)
      : null;
    return page(c, { configText, result, problems });
  });
