/**
 * The learner directory page body: a GET search-and-filter form, sortable column headers, paging
 * links and a CSV download, all plain links and forms (the state lives in the URL; no script).
 */
import type { DirectoryRow, DirectorySort, SortOrder } from "../../lib/learners/directory.ts";
import { Island } from "../../islands/_render.tsx";

export interface DirectoryState {
  q: string;
  level: string;
  track: string;
  cohort: string;
  band: string;
  attention: boolean;
  sort: DirectorySort;
  order: SortOrder;
  /** Position of the page's first row (1-based), carried in the URL for the "1–50 of 213" line. */
  start: number;
  cursor: string;
}

export interface DirectoryProps {
  state: DirectoryState;
  learners: DirectoryRow[];
  total: number;
  nextCursor: string | null;
  choices: { levels: string[]; tracks: string[]; cohorts: string[]; bands: string[] };
  /** Admins get a recompute button per row. */
  recompute: boolean;
  /** Shown above the table when the URL held something the page could not use. */
  notice?: string | null;
}

const COLUMNS: { key: DirectorySort | null; label: string }[] = [
  { key: "name", label: "Learner" },
  { key: null, label: "Level" },
  { key: null, label: "Track" },
  { key: null, label: "Cohort" },
  { key: "sessions", label: "Sessions" },
  { key: "readiness", label: "Readiness" },
  { key: "delta", label: "Change" },
  { key: "last_active", label: "Last active" },
];

/** The URL of the directory with `state` changed by `change` (defaults left out). */
export function directoryHref(
  state: DirectoryState,
  change: Partial<DirectoryState>,
  base = "/learners",
): string {
  const s = { ...state, ...change };
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.level) p.set("level", s.level);
  if (s.track) p.set("track", s.track);
  if (s.cohort) p.set("cohort", s.cohort);
  if (s.band) p.set("band", s.band);
  if (s.attention) p.set("attention", "true");
  if (s.sort !== "last_active") p.set("sort", s.sort);
  if (s.order !== (s.sort === "name" ? "asc" : "desc")) p.set("order", s.order);
  if (s.cursor) p.set("cursor", s.cursor);
  if (s.cursor && s.start > 1) p.set("start", String(s.start));
  const query = p.toString();
  return query ? `${base}?${query}` : base;
}

const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : "±0");

function Select(
  { name, label, value, options }: {
    name: string;
    label: string;
    value: string;
    options: string[];
  },
) {
  return (
    <label class="filter">
      <span>{label}</span>
      <select name={name}>
        <option value="">Any</option>
        {options.map((o) => <option key={o} value={o} selected={o === value}>{o}</option>)}
      </select>
    </label>
  );
}

export function LearnerDirectory(props: DirectoryProps) {
  const { state, learners, total, nextCursor, choices } = props;
  const first = learners.length ? state.start : 0;
  const last = learners.length ? state.start + learners.length - 1 : 0;
  const listHref = directoryHref({ ...state, cursor: "", start: 1 }, {}, "/api/learners");
  const csvHref = `${listHref}${listHref.includes("?") ? "&" : "?"}format=csv`;
  const sortHeader = (key: DirectorySort, label: string) => {
    const current = state.sort === key;
    const order: SortOrder = current
      ? (state.order === "asc" ? "desc" : "asc")
      : (key === "name" ? "asc" : "desc");
    const href = directoryHref(state, { sort: key, order, cursor: "", start: 1 });
    return (
      <th
        scope="col"
        aria-sort={current ? (state.order === "asc" ? "ascending" : "descending") : undefined}
        data-col={key}
      >
        <a href={href} data-sort={key}>
          {label}
          {current && <span aria-hidden="true">{state.order === "asc" ? " ▲" : " ▼"}</span>}
          <span class="visually-hidden">
            {current
              ? `, sorted ${state.order === "asc" ? "ascending" : "descending"}; sort ${
                order === "asc" ? "ascending" : "descending"
              }`
              : ", sort"}
          </span>
        </a>
      </th>
    );
  };
  return (
    <section class="card directory" aria-labelledby="directory-title">
      <h2 id="directory-title" class="visually-hidden">Find learners</h2>
      <form method="get" action="/learners" class="directory-filters" role="search">
        <label class="filter search">
          <span>Search</span>
          <input
            type="search"
            name="q"
            value={state.q}
            placeholder="Name or id"
            maxLength={200}
          />
        </label>
        <Select name="level" label="Level" value={state.level} options={choices.levels} />
        <Select name="track" label="Track" value={state.track} options={choices.tracks} />
        <Select name="cohort" label="Cohort" value={state.cohort} options={choices.cohorts} />
        <Select name="band" label="Band" value={state.band} options={choices.bands} />
        <label class="filter check">
          <input type="checkbox" name="attention" value="true" checked={state.attention} />
          <span>Needs attention only</span>
        </label>
        {state.sort !== "last_active" && <input type="hidden" name="sort" value={state.sort} />}
        {state.order !== (state.sort === "name" ? "asc" : "desc") && (
          <input type="hidden" name="order" value={state.order} />
        )}
        <div class="filter-actions">
          <button type="submit" data-action="apply-filters">Show learners</button>
          <a href="/learners">Clear</a>
        </div>
      </form>
      {props.notice && <p class="notice" role="status">{props.notice}</p>}
      <p class="directory-count" data-testid="directory-count">
        {total === 0
          ? "No learners match."
          : `${first}–${last} of ${total} learner${total === 1 ? "" : "s"}`}
        {" · "}
        <a href={csvHref} download="learners.csv">
          Download CSV
        </a>
      </p>
      {learners.length > 0 && (
        <table data-testid="learner-table" class="directory-table">
          <caption class="visually-hidden">
            Learners, sorted by {COLUMNS.find((c) => c.key === state.sort)?.label.toLowerCase()}
            {" "}
            ({state.order === "asc" ? "ascending" : "descending"})
          </caption>
          <thead>
            <tr>
              {COLUMNS.map((col) =>
                col.key
                  ? sortHeader(col.key, col.label)
                  : <th key={col.label} scope="col">{col.label}</th>
              )}
              {props.recompute && <th scope="col">Recompute</th>}
            </tr>
          </thead>
          <tbody>
            {learners.map((l) => (
              <tr key={l.user_id} data-user={l.user_id}>
                <th scope="row" data-label="Learner">
                  <a href={`/learners/${l.user_id}`}>{l.label}</a>
                </th>
                <td data-label="Level">{l.level ?? "–"}</td>
                <td data-label="Track">{l.track ?? "–"}</td>
                <td data-label="Cohort">{l.cohort ?? "–"}</td>
                <td data-label="Sessions">{l.sessions}</td>
                <td data-label="Readiness">
                  {l.readiness === null ? (l.band ?? "–") : `${l.readiness} (${l.band})`}
                </td>
                <td data-label="Change">{l.delta === null ? "–" : signed(l.delta)}</td>
                <td data-label="Last active">
                  {l.last_active
                    ? (
                      <time dateTime={l.last_active.toISOString()}>
                        {l.last_active.toISOString().slice(0, 10)}
                      </time>
                    )
                    : "no session yet"}
                </td>
                {props.recompute && (
                  <td data-label="Recompute">
                    <Island
                      name="RecomputeButton"
                      props={{ userId: l.user_id, label: l.label }}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        {state.cursor && <a href={directoryHref(state, { cursor: "", start: 1 })}>First page</a>}
        {nextCursor && (
          <a
            href={directoryHref(state, {
              cursor: nextCursor,
              start: state.start + learners.length,
            })}
            rel="next"
            data-testid="next-page"
          >
            Next page
          </a>
        )}
      </nav>
    </section>
  );
}
