/** A cohort page's filters: a plain GET form (the URL carries them), quick periods, the period in words. */
import type { CohortFilterValues } from "../../lib/ui/cohort_filters.ts";

export type { CohortFilterValues };

export interface CohortFiltersProps {
  values: CohortFilterValues;
  levels: string[];
  tracks: string[];
  cohorts: string[];
  /** The period in words ("The 28 days ending now: from 3 Nov 2026, 14:05 UTC"). */
  period: string | null;
  quickLinks: { href: string; label: string; current: boolean }[];
  /** What is wrong with the filters in the URL, in words. */
  problems: string[];
  /** The page the form opens (default /cohorts). */
  action?: string;
  /** The period when both dates are empty, in words (default "the 28 days ending now"). */
  defaultPeriod?: string;
  /** What the period filters on (default nothing said). */
  periodOn?: string;
}

/** The date part of a URL value, for a date input ("" when there is none). */
function dateValue(v: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : "";
}

function Choice(
  { name, label, all, options, value }: {
    name: string;
    label: string;
    all: string;
    options: string[];
    value: string;
  },
) {
  // A value from a shared link that is no longer offered stays selectable (and selected).
  const list = value && !options.includes(value) ? [...options, value] : options;
  return (
    <label>
      <span>{label}</span>
      <select name={name}>
        <option value="" selected={value === ""}>{all}</option>
        {list.map((o) => <option key={o} value={o} selected={o === value}>{o}</option>)}
      </select>
    </label>
  );
}

export function CohortFilters(props: CohortFiltersProps) {
  const { values, problems } = props;
  return (
    <section class="card filters" aria-labelledby="filters-title">
      <h2 id="filters-title">Filters</h2>
      <form
        method="get"
        action={props.action ?? "/cohorts"}
        class="form-row"
        data-testid="cohort-filters"
      >
        <Choice
          name="level"
          label="Level"
          all="All levels"
          options={props.levels}
          value={values.level}
        />
        <Choice
          name="track"
          label="Track"
          all="All tracks"
          options={props.tracks}
          value={values.track}
        />
        <Choice
          name="cohort"
          label="Cohort"
          all="All cohorts"
          options={props.cohorts}
          value={values.cohort}
        />
        <label>
          <span>From (UTC)</span>
          <input type="date" name="from" value={dateValue(values.from)} />
        </label>
        <label>
          <span>To, not included (UTC)</span>
          <input type="date" name="to" value={dateValue(values.to)} />
        </label>
        <button type="submit">Show</button>
      </form>
      <p class="muted">
        {props.periodOn ? `${props.periodOn} ` : ""}Leave both dates empty for{" "}
        {props.defaultPeriod ?? "the 28 days ending now"}. Quick periods:{" "}
        {props.quickLinks.map((q, i) => (
          <span key={q.href}>
            {i > 0 && " · "}
            <a href={q.href} aria-current={q.current ? "true" : undefined}>{q.label}</a>
          </span>
        ))}
      </p>
      {problems.length > 0 && (
        <ul class="error" role="alert" data-testid="filter-problems">
          {problems.map((p) => <li key={p}>{p}</li>)}
        </ul>
      )}
      {props.period && <p data-testid="period">{props.period}</p>}
    </section>
  );
}
