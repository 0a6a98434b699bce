/** The web application: middleware in order, then every route group. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { logger } from "hono/logger";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { ApiError, onError, validationHook } from "./routes/_errors.ts";
import { type AppDeps, type AppEnv, authenticate, provide } from "./routes/_middleware.ts";
import { learnersApi } from "./routes/api/learners.ts";
import { eventsApi } from "./routes/api/sessions/events.ts";
import { healthRoutes } from "./routes/health.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Builds the app around an open database and loaded configuration. */
export function createApp(deps: AppDeps, options: { log?: boolean } = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(onError);
  app.notFound((c) =>
    c.json(
      { error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` } },
      404,
    )
  );

  app.use(requestId());
  if (options.log ?? true) app.use(logger());
  app.use(secureHeaders());
  app.use(provide(deps));
  app.use(authenticate());
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(
          413,
          "payload_too_large",
          `Request body is larger than ${MAX_BODY_BYTES} bytes`,
        );
      },
    }),
  );

  app.route("/", healthRoutes);
  app.route("/api/sessions", eventsApi);
  app.route("/api/learners", learnersApi);

  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "PULSE Analytics API",
      version: "1.0.0",
      description: "Longitudinal analytics store and readiness score.",
    },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
