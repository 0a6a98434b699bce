/**
 * GET /api/learners — the learner directory (search, filters, sort, keyset paging, CSV); GET and
 * PUT /api/learners/:userId — a learner's profile (display name, level, track, cohort).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { csvResponse, csvStream, flatten, primed, wantsCsv } from "../../lib/csv.ts";
import {
  bandFilterValues,
  CursorError,
  decodeCursor,
  defaultOrder,
  DIRECTORY_CSV_COLUMNS,
  DIRECTORY_DEFAULT_LIMIT,
  DIRECTORY_MAX_LIMIT,
  DIRECTORY_SORTS,
  listDirectoryJson,
  streamDirectory,
} from "../../lib/learners/directory.ts";
import {
  getProfile,
  type LearnerProfile,
  profileSchema,
  saveProfile,
} from "../../lib/learners/profile.ts";
import { ApiError, apiRouter, errorResponses } from "../../http/errors.ts";
import { assertCanReadLearner, callerOf, requireRole } from "../../http/auth.ts";
import { jsonText } from "./users/_shared.ts";
import type { StaticConfig } from "../../lib/static_config.ts";

const Profile = z.object({
  user_id: z.uuid(),
  display_name: z.string().nullable().openapi({ description: "name shown on screen" }),
  level: z.string().nullable(),
  track: z.string().nullable(),
  cohort: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("LearnerProfile");

/** The directory's query; its levels and bands are the configured ones. */
const directoryQuery = ({ catalog, readiness }: StaticConfig) =>
  z.object({
    q: z.string().max(200).optional().openapi({
      description: "part of the name or label (case-insensitive), or the start of the user id " +
        "(hex digits, dashes optional)",
    }),
    level: z.enum(catalog.levels as [string, ...string[]]).optional(),
    track: z.string().min(1).max(100).optional(),
    cohort: z.string().min(1).max(100).optional(),
    band: z.enum(bandFilterValues(readiness) as [string, ...string[]]).optional().openapi({
      description: "band label of the latest snapshot, or `none` (no snapshot yet)",
    }),
    attention: z.enum(["true", "false"]).optional().openapi({
      description: "`true`: only learners who need attention as of now, by the rules of " +
        "GET /api/cohorts/attention (stalled, declining or a skill persistently low); " +
        "`false`: only the others",
    }),
    sort: z.enum(DIRECTORY_SORTS).optional().openapi({
      description: "default `last_active`; ties by user_id, nulls last in both orders",
    }),
    order: z.enum(["asc", "desc"]).optional().openapi({
      description: "default `asc` for `name`, `desc` for the others",
    }),
    limit: z.coerce.number().int().min(1).max(DIRECTORY_MAX_LIMIT).optional().openapi({
      description: `rows per page (default ${DIRECTORY_DEFAULT_LIMIT})`,
    }),
    cursor: z.string().max(1000).optional().openapi({
      description: "`next_cursor` of the previous page (same sort and order)",
    }),
    format: z.enum(["json", "csv"]).optional().openapi({
      description: "`csv`: every matching row as CSV (also with `Accept: text/csv`)",
    }),
  });

const DirectoryRowSchema = z.object({
  user_id: z.uuid(),
  label: z.string().openapi({ description: "display name, else a label from the profile" }),
  level: z.string().nullable(),
  track: z.string().nullable(),
  cohort: z.string().nullable(),
  sessions: z.number().int(),
  last_active: z.string().nullable(),
  readiness: z.number().nullable().openapi({ description: "overall of the latest snapshot" }),
  band: z.string().nullable().openapi({ description: "band of the latest snapshot" }),
  delta: z.number().nullable().openapi({
    description: "latest overall − the previous snapshot's overall (null when either is missing)",
  }),
}).openapi("DirectoryLearner");

const DirectoryPageSchema = z.object({
  learners: z.array(DirectoryRowSchema),
  total: z.number().int().openapi({ description: "learners matching the filters" }),
  next_cursor: z.string().nullable().openapi({ description: "null on the last page" }),
}).openapi("LearnerDirectory");

const listRouteOf = (settings: StaticConfig) =>
  createRoute({
    method: "get",
    path: "/",
    operationId: "listLearners",
    tags: ["learners"],
    summary: "The learner directory: search, filter, sort, page or download as CSV (coach, admin)",
    middleware: [requireRole("coach", "admin")] as const,
    request: { query: directoryQuery(settings) },
    responses: {
      200: {
        description: "A page of learners, or (CSV) every matching learner",
        content: {
          "application/json": { schema: DirectoryPageSchema },
          "text/csv": {
            schema: z.string().openapi({
              description: `header row ${DIRECTORY_CSV_COLUMNS.join(",")}; RFC 4180, UTF-8`,
            }),
          },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  });

const routeOf = ({ catalog }: StaticConfig) =>
  createRoute({
    method: "put",
    path: "/{userId}",
    tags: ["learners"],
    summary: "Create or update a learner profile (omitted fields keep their value)",
    middleware: [requireRole("service", "admin")] as const,
    request: {
      params: z.object({ userId: z.uuid() }),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: profileSchema(catalog).openapi("LearnerProfileInput"),
          },
        },
      },
    },
    responses: {
      200: { description: "Updated", content: { "application/json": { schema: Profile } } },
      201: { description: "Created", content: { "application/json": { schema: Profile } } },
      ...errorResponses(400, 401, 403, 410),
    },
  });

const getRoute = createRoute({
  method: "get",
  path: "/{userId}",
  tags: ["learners"],
  summary: "A learner's profile (the learner themself, coach, admin, service)",
  middleware: [requireRole("learner", "coach", "admin", "service")] as const,
  request: { params: z.object({ userId: z.uuid() }) },
  responses: {
    200: { description: "The profile", content: { "application/json": { schema: Profile } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

const asJson = (profile: LearnerProfile) => ({
  ...profile,
  created_at: profile.created_at.toISOString(),
  updated_at: profile.updated_at.toISOString(),
});

/** The routes, built for the deployment's config/. */
export const learnersApi = (settings: StaticConfig) =>
  apiRouter()
    .openapi(listRouteOf(settings), async (c) => {
      const query = c.req.valid("query");
      const sort = query.sort ?? "last_active";
      const order = query.order ?? defaultOrder(sort);
      const filters = {
        q: query.q,
        level: query.level,
        track: query.track,
        cohort: query.cohort,
        band: query.band,
        attention: query.attention === undefined ? undefined : query.attention === "true",
        sort,
        order,
      };
      if (wantsCsv(query.format, c.req.header("accept"))) {
        const rows = flatten(streamDirectory(c.get("sql"), filters, settings));
        const cells = (async function* () {
          for await (const r of await primed(rows)) yield DIRECTORY_CSV_COLUMNS.map((k) => r[k]);
        })();
        return csvResponse("learners.csv", csvStream([...DIRECTORY_CSV_COLUMNS], cells));
      }
      let cursor = null;
      try {
        cursor = query.cursor ? decodeCursor(query.cursor, sort, order) : null;
        const q = { ...filters, limit: query.limit ?? DIRECTORY_DEFAULT_LIMIT, cursor };
        // The page as JSON text, joined by the database from the rows' kept JSON.
        const text = await listDirectoryJson(c.get("sql"), q, settings);
        return jsonText<z.infer<typeof DirectoryPageSchema>>(c, text);
      } catch (error) {
        if (!(error instanceof CursorError)) throw error;
        throw new ApiError(
          400,
          "invalid_request",
          `The query is invalid: cursor: ${error.message}`,
          [
            { path: ["cursor"], message: error.message, code: "invalid_cursor" },
          ],
        );
      }
    })
    .openapi(routeOf(settings), async (c) => {
      const { userId } = c.req.valid("param");
      const { profile, created } = await saveProfile(c.get("sql"), userId, c.req.valid("json"));
      return created ? c.json(asJson(profile), 201) : c.json(asJson(profile), 200);
    })
    .openapi(getRoute, async (c) => {
      const { userId } = c.req.valid("param");
      assertCanReadLearner(callerOf(c), userId);
      const profile = await getProfile(c.get("sql"), userId);
      if (!profile) throw new ApiError(404, "not_found", `No learner ${userId}`);
      return c.json(asJson(profile), 200);
    });
