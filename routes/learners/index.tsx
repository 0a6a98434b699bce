/** GET /learners — the coaches' and admins' learner directory (search, filters, sort, pages). */
import { Hono } from "hono";
import { type DirectoryState, LearnerDirectory } from "../_components/LearnerDirectory.tsx";
import {
  bandFilterValues,
  CursorError,
  decodeCursor,
  defaultOrder,
  DIRECTORY_DEFAULT_LIMIT,
  DIRECTORY_SORTS,
  directoryChoices,
  type DirectoryCursor,
  type DirectorySort,
  listDirectory,
} from "../../lib/learners/directory.ts";
import { renderPage } from "../../http/shell.tsx";
import { requirePageRole } from "../../http/auth.ts";
import { type AppEnv } from "../../http/env.ts";
import { callerOf } from "../../http/auth.ts";

/** The page's state from the URL; a value the page cannot use is dropped (and said so). */
function stateOf(
  url: URL,
  levels: readonly string[],
  bands: string[],
): { state: DirectoryState; dropped: string[] } {
  const get = (name: string) => (url.searchParams.get(name) ?? "").trim().slice(0, 200);
  const dropped: string[] = [];
  const oneOf = (name: string, allowed: readonly string[]) => {
    const v = get(name);
    if (v && !allowed.includes(v)) dropped.push(name);
    return v && allowed.includes(v) ? v : "";
  };
  const text = (name: string) => get(name).slice(0, 100);
  const sort = (oneOf("sort", DIRECTORY_SORTS) || "last_active") as DirectorySort;
  const order = (oneOf("order", ["asc", "desc"]) || defaultOrder(sort)) as "asc" | "desc";
  const start = Number(get("start"));
  return {
    state: {
      q: get("q"),
      level: oneOf("level", levels),
      track: text("track"),
      cohort: text("cohort"),
      band: oneOf("band", bands),
      attention: get("attention") === "true",
      sort,
      order,
      start: Number.isInteger(start) && start >= 1 ? start : 1,
      cursor: get("cursor"),
    },
    dropped,
  };
}

export const learnersIndexRoutes = new Hono<AppEnv>().get(
  "/",
  requirePageRole("coach", "admin"),
  async (c) => {
    const sql = c.get("sql");
    const settings = c.get("settings");
    const { levels } = settings.catalog;
    const bands = bandFilterValues(settings.readiness);
    const { state, dropped } = stateOf(new URL(c.req.url), levels, bands);
    let cursor: DirectoryCursor | null = null;
    if (state.cursor) {
      try {
        cursor = decodeCursor(state.cursor, state.sort, state.order);
      } catch (error) {
        if (!(error instanceof CursorError)) throw error;
        dropped.push("cursor");
        state.cursor = "";
        state.start = 1;
      }
    }
    const query = {
      q: state.q || undefined,
      level: state.level || undefined,
      track: state.track || undefined,
      cohort: state.cohort || undefined,
      band: state.band || undefined,
      attention: state.attention || undefined,
      sort: state.sort,
      order: state.order,
      limit: DIRECTORY_DEFAULT_LIMIT,
    };
    let page;
    try {
      page = await listDirectory(sql, { ...query, cursor }, settings);
    } catch (error) {
      if (!(error instanceof CursorError)) throw error;
      dropped.push("cursor");
      state.cursor = "";
      state.start = 1;
      page = await listDirectory(sql, query, settings);
    }
    const { tracks, cohorts } = await directoryChoices(sql);
    return renderPage(
      c,
      "Learners",
      <>
        <h1>Learners</h1>
        <LearnerDirectory
          state={state}
          learners={page.learners}
          total={page.total}
          nextCursor={page.next_cursor}
          choices={{ levels, tracks, cohorts, bands }}
          recompute={callerOf(c).role === "admin"}
          notice={dropped.length
            ? `Ignored ${
              [...new Set(dropped)].join(", ")
            } in the address: not a value this page knows; showing the first page.`
            : null}
        />
      </>,
    );
  },
);
