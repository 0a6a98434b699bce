/**
 * GET /cohorts — cohort analytics for coaches and admins: filters in the URL, the KPI strip against
 * the previous period, skills with the lift, bands over time, needs attention and time to
 * readiness. Figures from lib/cohorts (the same functions as /api/cohorts/*), fetched in parallel.
 */
import { Hono } from "hono";
import { Island } from "../islands/_render.tsx";
import { CohortAttention } from "./_components/CohortAttention.tsx";
import { CohortBands } from "./_components/CohortBands.tsx";
import { CohortFilters, type CohortFilterValues } from "./_components/CohortFilters.tsx";
import { CohortKpis } from "./_components/CohortKpis.tsx";
import { CohortSkills } from "./_components/CohortSkills.tsx";
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
  filterQuery,
  NO_SNAPSHOT,
  resolveFilters,
  withPeriodCheck,
} from "../lib/cohorts/mod.ts";
import { periodProblem } from "../lib/cohorts/filters.ts";
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
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FIELDS = ["level", "track", "cohort", "from", "to"] as const;

/** A URL value as the API takes it: a date means 00:00 UTC that day; "" means not given. */
function apiInstant(v: string): string | undefined {
  if (v === "") return undefined;
  return DATE.test(v) ? `${v}T00:00:00.000Z` : v;
}

/** The filter values of the page URL ("" when absent). */
function urlValues(q: Record<string, string>): CohortFilterValues {
  const v = (k: string) => (q[k] ?? "").trim();
  return {
    level: v("level"),
    track: v("track"),
    cohort: v("cohort"),
    from: v("from"),
    to: v("to"),
  };
}

/** "the period is at most 3660 days" → "The period is at most 3660 days." */
function sentence(text: string): string {
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

/** Why the URL's filters are not usable, in words for staff (empty when they are). */
function parseFilters(
  values: CohortFilterValues,
  levels: readonly string[],
): { filters: Filters | null; problems: string[] } {
  const parsed = withPeriodCheck(filterQuery(levels)).safeParse({
    level: values.level || undefined,
    track: values.track || undefined,
    cohort: values.cohort || undefined,
    from: apiInstant(values.from),
    to: apiInstant(values.to),
  });
  if (parsed.success) {
    try {
      return { filters: resolveFilters(parsed.data), problems: [] };
    } catch {
      return { filters: null, problems: ["The end of the period must be after its start."] };
    }
  }
  const problems = parsed.error.issues.map((i) => {
    switch (i.path[0]) {
      case "level":
        return `There is no level “${values.level}”.`;
      case "track":
      case "cohort":
        return `The ${String(i.path[0])} is at most 100 characters.`;
      case "from":
      case "to":
        if (i.code === "custom" && /after/.test(i.message)) {
          return "“To” must be after “From”.";
        }
        if (i.code === "custom" && /at most/.test(i.message)) return sentence(i.message);
        return `“${i.path[0] === "from" ? "From" : "To"}” is not a date between 1970 and 9999.`;
      default:
        return i.message;
    }
  });
  // The period is checked after the fields; say what is wrong with it too, when the dates parse.
  const from = apiInstant(values.from);
  const to = apiInstant(values.to);
  if (from && to && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to))) {
    const period = periodProblem({ from, to });
    if (period) {
      problems.push(/after/.test(period) ? "“To” must be after “From”." : sentence(period));
    }
  }
  return { filters: null, problems: [...new Set(problems)] };
}

/** The page URL with these values (empty ones left out). */
function pageHref(values: Partial<CohortFilterValues> & { cursor?: string }, hash = ""): string {
  const q = new URLSearchParams();
  for (const k of [...FIELDS, "cursor"] as const) {
    const v = values[k];
    if (v) q.set(k, v);
  }
  const s = q.toString();
  return `/cohorts${s ? `?${s}` : ""}${hash}`;
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

/** The period in words. */
function periodText(f: Filters, values: CohortFilterValues): string {
  const days = (f.to.getTime() - f.from.getTime()) / DAY_MS;
  const length = Number.isInteger(days) ? `${days} ${days === 1 ? "day" : "days"}` : null;
  if (values.to === "") {
    return `${length ? `The ${length}` : "The period"} ending now: from ${
      instantText(f.from.getTime())
    } to now.`;
  }
  return `From ${instantText(f.from.getTime())} up to ${instantText(f.to.getTime())}, not included${
    length ? ` (${length})` : ""
  }.`;
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
    const now = Date.now();
    const minute = Math.floor(now / 60_000) * 60_000;
    const keep = { level: values.level, track: values.track, cohort: values.cohort };
    const twelveWeeks = {
      from: new Date(minute - 84 * DAY_MS).toISOString(),
      to: new Date(minute).toISOString(),
    };
    const quickLinks = [
      { href: pageHref(keep), label: "Last 4 weeks", current: !values.from && !values.to },
      {
        href: pageHref({ ...keep, ...twelveWeeks }),
        label: "Last 12 weeks",
        current: filters !== null && values.to !== "" &&
          filters.to.getTime() - filters.from.getTime() === 84 * DAY_MS,
      },
    ];
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
