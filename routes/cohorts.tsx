/**
 * GET /cohorts — cohort analytics for coaches and admins: filters in the URL, the KPI strip against
 * the previous period, skills with the lift, bands over time, needs attention and time to
 * readiness. Figures from lib/cohorts (the same functions as /api/cohorts/*), fetched in parallel.
 */
import { Hono } from "hono";
import { Island } from "../islands/_render.tsx";
import { CohortAttention } from "./_components/CohortAttention.tsx";
import { CohortBands } from "./_components/CohortBands.tsx";
import { CohortFilters } from "./_components/CohortFilters.tsx";
import { CohortKpis } from "./_components/CohortKpis.tsx";
import { CohortSkills } from "./_components/CohortSkills.tsx";
import {
  type CohortFilterValues,
  filterHref,
  parseFilters,
  periodText,
  quickPeriodLinks,
  urlValues,
} from "../lib/ui/cohort_filters.ts";
import {
  bandLabels,
  bandMovement,
  type Bucket,
  cohortAttention,
  type CohortFilters as Filters,
  cohortOverview,
  cohortSkills,
  decodeCursor,
  filterChoices,
  NO_SNAPSHOT,
} from "../lib/cohorts/mod.ts";
import { timeToReadiness } from "../lib/readiness/mod.ts";
import { instantText, previousPeriodName } from "../lib/ui/cohort_format.ts";
import { dayMonthYear } from "../lib/ui/time_axis.ts";
import { renderPage } from "../http/shell.tsx";
import { requirePageRole } from "../http/auth.ts";
import type { AppEnv } from "../http/env.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Learners per page of the needs-attention list. */
const ATTENTION_PAGE = 20;
/** Periods longer than this show band movement monthly (weekly bars would crowd the chart). */
const WEEKLY_UP_TO_DAYS = 182;

/** The page URL with these values (empty ones left out). */
function pageHref(values: Partial<CohortFilterValues> & { cursor?: string }, hash = ""): string {
  return filterHref("/cohorts", values, hash);
}

/** An API CSV link for the page's filters, the period as resolved (so it matches the page). */
function csvHref(path: string, f: Filters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (f.level) q.set("level", f.level);
  if (f.track) q.set("track", f.track);
  if (f.cohort) q.set("cohort", f.cohort);
  q.set("from", f.from.toISOString());
  q.set("to", f.to.toISOString());
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  q.set("format", "csv");
  return `/api/cohorts/${path}?${q}`;
}

export const cohortRoutes = new Hono<AppEnv>().get(
  "/",
  requirePageRole("coach", "admin"),
  async (c) => {
    const sql = c.get("sql");
    const settings = c.get("settings");
    const { catalog, readiness: readinessConfig } = settings;
    const values = urlValues(c.req.query());
    const { filters, problems } = parseFilters(values, catalog.levels);
    const keep = { level: values.level, track: values.track, cohort: values.cohort };
    const quickLinks = quickPeriodLinks("/cohorts", values, filters, {
      defaultLabel: "Last 4 weeks",
      longDays: 84,
      longLabel: "Last 12 weeks",
    });
    // Time to readiness: by default from entering the second band to entering the third.
    const configured = readinessConfig.bands;
    const ttr = { from: configured[1]?.min ?? 40, to: configured[2]?.min ?? 70 };
    const ttrLevel = filters?.level ?? "";
    const cursorText = c.req.query("cursor") ?? "";
    const cursor = cursorText ? decodeCursor(cursorText) : null;

    const [choices, overview, skills, bands, attention, timeTo] = await Promise.all([
      filterChoices(sql),
      filters ? cohortOverview(sql, filters, readinessConfig) : null,
      filters ? cohortSkills(sql, filters, settings) : null,
      filters ? bandMovement(sql, filters, bucketOf(filters), readinessConfig) : null,
      filters ? cohortAttention(sql, filters, settings, { cursor, limit: ATTENTION_PAGE }) : null,
      timeToReadiness(sql, { ...ttr, level: ttrLevel || undefined }),
    ]);

    const bandNames = bandLabels(readinessConfig).map((label) => ({
      label,
      name: label === NO_SNAPSHOT ? "No readiness yet" : label,
    }));
    const body = (
      <>
        <h1>Cohorts</h1>
        {c.get("caller")?.role === "admin" && (
          <p>
            <a href={filterHref("/cohorts/validity", keep)} data-testid="validity-link">
              Readiness against real interview outcomes
            </a>
          </p>
        )}
        <div class="stack">
          <CohortFilters
            values={values}
            levels={catalog.levels}
            tracks={choices.tracks}
            cohorts={choices.cohorts}
            period={filters ? periodText(filters, values) : null}
            quickLinks={quickLinks}
            problems={problems}
          />
          {filters && overview && skills && bands && attention && (
            overview.current.learners === 0
              ? (
                <section class="card">
                  <p class="empty" data-testid="no-learners">
                    No learner matches these filters. Try fewer filters.
                  </p>
                </section>
              )
              : (
                <>
                  <CohortKpis
                    current={overview.current}
                    previous={overview.previous}
                    previousName={previousPeriodName(filters.from.getTime(), filters.to.getTime())}
                    bands={bandNames}
                    csvHref={csvHref("overview", filters)}
                  />
                  <CohortSkills
                    skills={skills}
                    csvHref={csvHref("skills", filters)}
                    periodWords={`between ${dayMonthYear(filters.from.getTime())} and ${
                      dayMonthYear(filters.to.getTime())
                    }`}
                  />
                  <CohortBands
                    points={bands}
                    bands={bandNames}
                    bucket={bucketOf(filters)}
                    csvHref={csvHref("bands", filters, { bucket: bucketOf(filters) })}
                  />
                  <CohortAttention
                    attention={attention}
                    skillLabels={Object.fromEntries(catalog.skills.map((s) => [s.tag, s.label]))}
                    insufficientLabel={readinessConfig.minimum_evidence.label}
                    asOf={instantText(filters.to.getTime())}
                    csvHref={csvHref("attention", filters)}
                    moreHref={attention.next_cursor
                      ? pageHref({ ...values, cursor: attention.next_cursor }, "#attention")
                      : null}
                    firstHref={cursor ? pageHref(values, "#attention") : null}
                  />
                </>
              )
          )}
          <Island
            name="CohortView"
            props={{ levels: catalog.levels, ...ttr, level: ttrLevel, initial: timeTo }}
          />
        </div>
      </>
    );
    const res = renderPage(c, "Cohorts", body);
    // Filters that cannot be used are the request's fault: the page says why, with a 400.
    return problems.length ? new Response(res.body, { status: 400, headers: res.headers }) : res;
  },
);

/** Band movement weekly, or monthly for long periods. */
function bucketOf(f: Filters): Bucket {
  return f.to.getTime() - f.from.getTime() > WEEKLY_UP_TO_DAYS * DAY_MS ? "month" : "week";
}
