/**
 * The cohort filters of a page URL (level, track, cohort, `from`, `to`): read from the query, checked
 * with the API's schema and told back in words for staff, and written into links. Shared by the
 * cohort pages; each page resolves the period with its own default.
 */
import {
  type CohortFilters,
  filterQuery,
  resolveFilters,
  withPeriodCheck,
} from "../cohorts/mod.ts";
import { type FilterInput, periodProblem } from "../cohorts/filters.ts";
import { instantText } from "./cohort_format.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const FILTER_FIELDS = ["level", "track", "cohort", "from", "to"] as const;

/** The filter values of a page URL, as given ("" when absent). */
export interface CohortFilterValues {
  level: string;
  track: string;
  cohort: string;
  /** As given in the URL: a date (YYYY-MM-DD) or an ISO instant; empty when not given. */
  from: string;
  to: string;
}

/** A URL value as the API takes it: a date means 00:00 UTC that day; "" means not given. */
export function apiInstant(v: string): string | undefined {
  if (v === "") return undefined;
  return DATE.test(v) ? `${v}T00:00:00.000Z` : v;
}

/** The filter values of the page URL ("" when absent). */
export function urlValues(q: Record<string, string>): CohortFilterValues {
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

/**
 * The URL's filters (checked against the configured `levels`) resolved by `resolve` (the page's
 * default period), or why they are not usable, in words for staff.
 */
export function parseFilters(
  values: CohortFilterValues,
  levels: readonly string[],
  resolve: (q: FilterInput) => CohortFilters = (q) => resolveFilters(q),
): { filters: CohortFilters | null; problems: string[] } {
  const parsed = withPeriodCheck(filterQuery(levels)).safeParse({
    level: values.level || undefined,
    track: values.track || undefined,
    cohort: values.cohort || undefined,
    from: apiInstant(values.from),
    to: apiInstant(values.to),
  });
  if (parsed.success) {
    try {
      return { filters: resolve(parsed.data), problems: [] };
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

/** `path` with these filter values in its query (empty ones left out). */
export function filterHref(
  path: string,
  values: Partial<CohortFilterValues> & { cursor?: string },
  hash = "",
): string {
  const q = new URLSearchParams();
  for (const k of [...FILTER_FIELDS, "cursor"] as const) {
    const v = values[k];
    if (v) q.set(k, v);
  }
  const s = q.toString();
  return `${path}${s ? `?${s}` : ""}${hash}`;
}

/** The period in words. */
export function periodText(f: CohortFilters, values: CohortFilterValues): string {
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

/** A link to the same page with another period (the profile filters kept). */
export interface QuickLink {
  href: string;
  label: string;
  /** The page shows this period now. */
  current: boolean;
}

/**
 * The page's two quick periods: its default (no `from`/`to`: the `defaultLabel` period ending
 * now) and the `longDays` days ending at this minute; the profile filters of `values` kept.
 */
export function quickPeriodLinks(
  path: string,
  values: CohortFilterValues,
  filters: CohortFilters | null,
  options: { defaultLabel: string; longDays: number; longLabel: string; now?: number },
): QuickLink[] {
  const minute = Math.floor((options.now ?? Date.now()) / 60_000) * 60_000;
  const keep = { level: values.level, track: values.track, cohort: values.cohort };
  const long = {
    from: new Date(minute - options.longDays * DAY_MS).toISOString(),
    to: new Date(minute).toISOString(),
  };
  return [
    {
      href: filterHref(path, keep),
      label: options.defaultLabel,
      current: !values.from && !values.to,
    },
    {
      href: filterHref(path, { ...keep, ...long }),
      label: options.longLabel,
      current: filters !== null && values.to !== "" &&
        filters.to.getTime() - filters.from.getTime() === options.longDays * DAY_MS,
    },
  ];
}
