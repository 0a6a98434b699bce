/** The web application: middleware in order, then every route group. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { serveStatic } from "hono/deno";
import { secureHeaders } from "hono/secure-headers";
import { onError, validationHook } from "./http/errors.ts";
import { bodyLimits, inputGuard } from "./http/input.ts";
import { originCheck } from "./http/origin.ts";
import { MAX_JSON_DEPTH as maxJsonDepth } from "./lib/validation.ts";
import { type AppDeps, type AppEnv, provide } from "./http/env.ts";
import { authenticate } from "./http/auth.ts";
import { erasuresApi } from "./routes/api/admin/erasures.ts";
import { useErasureKey } from "./lib/privacy/tombstones.ts";
import { recomputeApi } from "./routes/api/admin/recompute.ts";
import { backtestApi } from "./routes/api/admin/backtest.ts";
import { timeToReadinessApi } from "./routes/api/cohorts/time_to_readiness.ts";
import { overviewApi } from "./routes/api/cohorts/overview.ts";
import { skillsApi } from "./routes/api/cohorts/skills.ts";
import { bandsApi } from "./routes/api/cohorts/bands.ts";
import { attentionApi } from "./routes/api/cohorts/attention.ts";
import { validityApi } from "./routes/api/cohorts/validity.ts";
import { learnersApi } from "./routes/api/learners.ts";
import { completeApi } from "./routes/api/sessions/complete.ts";
import { eventsApi } from "./routes/api/sessions/events.ts";
import { feedbackApi } from "./routes/api/sessions/feedback.ts";
import { healthRoutes } from "./routes/health.ts";
import { serveOpenApi } from "./http/openapi.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { observe } from "./http/observe.ts";
import { notFoundPage } from "./http/shell.tsx";
import { adminRoutes } from "./routes/admin.tsx";
import { cohortRoutes } from "./routes/cohorts.tsx";
import { validityPageRoutes } from "./routes/cohorts/validity.tsx";
import { dashboardRoutes } from "./routes/dashboard.tsx";
import { demoRoutes } from "./routes/demo.tsx";
import { indexRoutes } from "./routes/index.tsx";
import { learnersIndexRoutes } from "./routes/learners/index.tsx";
import { learnerPageRoutes } from "./routes/learners/[userId].tsx";
import { signInRoutes } from "./routes/sign_in.tsx";
import { signOutRoutes } from "./routes/sign_out.ts";
import { coachingApi } from "./routes/api/users/coaching.ts";
import { readinessApi } from "./routes/api/users/readiness.ts";
import { trendsApi } from "./routes/api/users/trends.ts";
import { privacyApi } from "./routes/api/users/privacy.ts";
import { outcomesApi } from "./routes/api/users/outcomes.ts";

export const MAX_BODY_BYTES = 1024 * 1024;
/** Body limit of pages and forms (e.g. /demo): they take a few fields at most. */
export const MAX_PAGE_BODY_BYTES = 64 * 1024;

/** Builds the app around an open database and loaded configuration. */
export function createApp(deps: AppDeps, options: { log?: boolean } = {}) {
  // Tombstones of erased learners are keyed by this: the same key in the server and ops tasks.
  useErasureKey(deps.config.erasureKey ?? deps.config.authSecret);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(onError);
  app.notFound((c) =>
    c.req.path.startsWith("/api/")
      ? c.json(
        { error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` } },
        404,
      )
      : notFoundPage(c)
  );

  app.use(requestId());
  app.use(observe({ log: options.log ?? true }));
  app.use(secureHeaders());
  app.use(provide(deps));
  app.use(authenticate());
  // Hostile input: body limits on every route, JSON only on the API, bounded nesting, no NUL or
  // unpaired surrogate in any string; then the cross-site check of cookie-session writes.
  const limits = { apiMaxBytes: MAX_BODY_BYTES, pageMaxBytes: MAX_PAGE_BODY_BYTES, maxJsonDepth };
  app.use(bodyLimits(limits));
  app.use(inputGuard(limits));
  app.use(originCheck());

  app.route("/", healthRoutes);
  app.route("/", metricsRoutes);
  // Built assets are named by content hash: cache them for good.
  app.use("/static/build/*", async (c, next) => {
    await next();
    if (c.res.ok) c.header("cache-control", "public, max-age=31536000, immutable");
  });
  app.use("/static/build/*", serveStatic({ root: new URL(".", import.meta.url).pathname }));

  app.route("/", indexRoutes);
  app.route("/dashboard", dashboardRoutes);
  app.route("/learners", learnersIndexRoutes);
  app.route("/learners", learnerPageRoutes);
  app.route("/cohorts/validity", validityPageRoutes);
  app.route("/cohorts", cohortRoutes);
  app.route("/admin", adminRoutes);
  app.route("/demo", demoRoutes);
  app.route("/sign-in", signInRoutes);
  app.route("/sign-out", signOutRoutes);
  app.route("/api/sessions", eventsApi(deps.settings));
  app.route("/api/sessions", completeApi);
  app.route("/api/sessions", feedbackApi);
  app.route("/api/learners", learnersApi(deps.settings));
  app.route("/api/users", readinessApi);
  app.route("/api/users", trendsApi(deps.settings));
  app.route("/api/users", coachingApi);
  app.route("/api/users", privacyApi);
  app.route("/api/users", outcomesApi);
  app.route("/api/admin", recomputeApi);
  app.route("/api/admin", erasuresApi);
  app.route("/api/admin", backtestApi(deps.settings));
  app.route("/api/cohorts", timeToReadinessApi(deps.settings));
  app.route("/api/cohorts", overviewApi(deps.settings));
  app.route("/api/cohorts", skillsApi(deps.settings));
  app.route("/api/cohorts", bandsApi(deps.settings));
  app.route("/api/cohorts", attentionApi(deps.settings));
  app.route("/api/cohorts", validityApi(deps.settings));

  serveOpenApi(app);
  return app;
}

export type App = ReturnType<typeof createApp>;
