/**
 * Environment → typed configuration. Every failure names the variable at fault so start-up can
 * stop with one clear line instead of a stack trace.
 */
import { z } from "zod";
import { type AuthConfig, loadAuthConfig } from "./auth/config.ts";
import { describeIssues } from "./validation.ts";

export type DatabaseTarget =
  | { kind: "server"; url: string; source: "PULSE_ANALYTICS_DATABASE_URL" | "PULSE_ANALYTICS_DB_*" }
  | { kind: "embedded"; dataDir: string };

export interface Config {
  env: "development" | "production";
  /** Interface the HTTP server binds: loopback in development unless HOST says otherwise. */
  host: string;
  port: number;
  /** Bearer token for GET /metrics from other hosts; null: loopback callers only. */
  metricsToken: string | null;
  /** HS256 secret for bearer tokens; null in development until start-up provides one. */
  authSecret: string | null;
  /** Key of the erased learners' tombstones (HMAC); null: the auth secret is the key. */
  erasureKey: string | null;
  dataDir: string;
  database: DatabaseTarget;
  azure: { connectionString: string | null; sessionsContainer: string };
  /** Token lifetime rules, page sessions and staff single sign-on (lib/auth/config.ts). */
  auth: AuthConfig;
  /** Seconds between the readiness runner's checks for work (0: no runner in this process). */
  readinessIntervalSeconds: number;
}

/** Raised for invalid environment; the message is meant for the console as it is. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;
const SPLIT_VARS = [
  "PULSE_ANALYTICS_DB_HOST",
  "PULSE_ANALYTICS_DB_PORT",
  "PULSE_ANALYTICS_DB_NAME",
  "PULSE_ANALYTICS_DB_USER",
  "PULSE_ANALYTICS_DB_PASSWORD",
  "PULSE_ANALYTICS_DB_SSLMODE",
] as const;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalText = z.preprocess(blankToUndefined, z.string().optional());

const postgresUrl = z.preprocess(
  blankToUndefined,
  z.string().refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "postgres:" || url.protocol === "postgresql:") &&
        url.hostname !== "";
    } catch {
      return false;
    }
  }, "must be a URL like postgres://user:password@host:5432/dbname").optional(),
);

const envSchema = z.object({
  PULSE_ENV: z.preprocess(
    blankToUndefined,
    z.enum(["development", "production"]).default("development"),
  ),
  PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(8000)),
  HOST: z.preprocess(
    blankToUndefined,
    z.string().regex(
      /^[0-9A-Za-z.:\-\[\]]+$/,
      "must be an interface address such as 127.0.0.1 or 0.0.0.0",
    )
      .optional(),
  ),
  PULSE_METRICS_TOKEN: z.preprocess(
    blankToUndefined,
    z.string().min(16, "must be at least 16 characters").optional(),
  ),
  PULSE_AUTH_SECRET: z.preprocess(
    blankToUndefined,
    z.string().min(32, "must be at least 32 characters").optional(),
  ),
  PULSE_ERASURE_KEY: z.preprocess(
    blankToUndefined,
    z.string().min(32, "must be at least 32 characters").optional(),
  ),
  PULSE_DATA_DIR: z.preprocess(blankToUndefined, z.string().default(".pulse")),
  PULSE_ANALYTICS_DATABASE_URL: postgresUrl,
  PULSE_ANALYTICS_DB_HOST: optionalText,
  PULSE_ANALYTICS_DB_PORT: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().min(1).max(65535).optional(),
  ),
  PULSE_ANALYTICS_DB_NAME: optionalText,
  PULSE_ANALYTICS_DB_USER: optionalText,
  PULSE_ANALYTICS_DB_PASSWORD: optionalText,
  PULSE_ANALYTICS_DB_SSLMODE: z.preprocess(blankToUndefined, z.enum(SSL_MODES).optional()),
  AZURE_STORAGE_CONNECTION_STRING: optionalText,
  PULSE_SESSIONS_CONTAINER: z.preprocess(blankToUndefined, z.string().default("sessions")),
  PULSE_READINESS_INTERVAL_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().min(0).max(3600).default(15),
  ),
});

/**
 * The process environment over the values of `.env` in the working directory (when there is
 * one): a variable set in the environment, even to an empty string, wins over the file.
 */
export function processEnvironment(path = ".env"): Record<string, string> {
  let text = "";
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`);
    }
  }
  return { ...parseDotEnv(text), ...Deno.env.toObject() };
}

/**
 * Parses dotenv text: `KEY=value`, optional `export `, quotes, `#` comments. Not node:util's
 * `parseEnv` (checked on Deno 2.9.6): it keeps the backslash of `\"` and `\\` inside double
 * quotes, so a quoted secret such as PULSE_AUTH_SECRET would silently change value.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const line =
    /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\n]*?))\s*(?:#.*)?$/;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(raw)) continue;
    const m = line.exec(raw);
    if (!m) continue;
    const [, key, dq, sq, bare] = m;
    out[key] = dq !== undefined
      ? dq.replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1")
      : sq !== undefined
      ? sq
      : bare.trim();
  }
  return out;
}

/** Reads the configuration from an environment map (defaults to the environment over `.env`). */
export function loadConfig(env: Record<string, string | undefined> = processEnvironment()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = describeIssues(parsed.error.issues, {
      path: "head",
      separator: " ",
      more: false,
    });
    throw new ConfigError(`Invalid environment: ${issue}`);
  }
  const e = parsed.data;
  if (e.PULSE_ENV === "production" && !e.PULSE_AUTH_SECRET) {
    throw new ConfigError(
      "Invalid environment: PULSE_AUTH_SECRET is required when PULSE_ENV=production",
    );
  }
  let auth: AuthConfig;
  try {
    auth = loadAuthConfig(env);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (auth.oidc && !auth.oidc.redirectUri) {
    // Never derived from the request's Host header, which a client chooses.
    if (e.PULSE_ENV === "production") {
      throw new ConfigError(
        "Invalid environment: PULSE_OIDC_REDIRECT_URI is required when PULSE_ENV=production and PULSE_OIDC_ISSUER is set",
      );
    }
    auth.oidc.redirectUri = oidcDevRedirectUri(e.PORT);
  }
  return {
    env: e.PULSE_ENV,
    host: e.HOST ?? (e.PULSE_ENV === "development" ? "127.0.0.1" : "0.0.0.0"),
    port: e.PORT,
    metricsToken: e.PULSE_METRICS_TOKEN ?? null,
    authSecret: e.PULSE_AUTH_SECRET ?? null,
    erasureKey: e.PULSE_ERASURE_KEY ?? null,
    dataDir: e.PULSE_DATA_DIR,
    database: databaseTarget(e),
    azure: {
      connectionString: e.AZURE_STORAGE_CONNECTION_STRING ?? null,
      sessionsContainer: e.PULSE_SESSIONS_CONTAINER,
    },
    auth,
    readinessIntervalSeconds: e.PULSE_READINESS_INTERVAL_SECONDS,
  };
}

/** The development callback when PULSE_OIDC_REDIRECT_URI is unset: this machine, PORT. */
export function oidcDevRedirectUri(port: number): string {
  return `http://localhost:${port}/sign-in/oidc/callback`;
}

function databaseTarget(e: z.infer<typeof envSchema>): DatabaseTarget {
  const splitGiven = SPLIT_VARS.filter((name) => e[name] !== undefined);
  if (e.PULSE_ANALYTICS_DATABASE_URL) {
    if (splitGiven.length > 0) {
      throw new ConfigError(
        `Invalid environment: set either PULSE_ANALYTICS_DATABASE_URL or the PULSE_ANALYTICS_DB_* variables, not both (also set: ${
          splitGiven.join(", ")
        })`,
      );
    }
    return {
      kind: "server",
      url: withSslMode(e.PULSE_ANALYTICS_DATABASE_URL),
      source: "PULSE_ANALYTICS_DATABASE_URL",
    };
  }
  if (splitGiven.length === 0) {
    return { kind: "embedded", dataDir: `${e.PULSE_DATA_DIR}/pgdata` };
  }
  for (
    const name of [
      "PULSE_ANALYTICS_DB_HOST",
      "PULSE_ANALYTICS_DB_NAME",
      "PULSE_ANALYTICS_DB_USER",
    ] as const
  ) {
    if (!e[name]) {
      throw new ConfigError(
        `Invalid environment: ${name} is required when any PULSE_ANALYTICS_DB_* variable is set (set: ${
          splitGiven.join(", ")
        })`,
      );
    }
  }
  const user = encodeURIComponent(e.PULSE_ANALYTICS_DB_USER!);
  const password = e.PULSE_ANALYTICS_DB_PASSWORD
    ? `:${encodeURIComponent(e.PULSE_ANALYTICS_DB_PASSWORD)}`
    : "";
  const host = e.PULSE_ANALYTICS_DB_HOST!.includes(":")
    ? `[${e.PULSE_ANALYTICS_DB_HOST}]`
    : e.PULSE_ANALYTICS_DB_HOST;
  const port = e.PULSE_ANALYTICS_DB_PORT ?? 5432;
  const name = encodeURIComponent(e.PULSE_ANALYTICS_DB_NAME!);
  const ssl = e.PULSE_ANALYTICS_DB_SSLMODE ? `?sslmode=${e.PULSE_ANALYTICS_DB_SSLMODE}` : "";
  return {
    kind: "server",
    url: withSslMode(`postgres://${user}${password}@${host}:${port}/${name}${ssl}`),
    source: "PULSE_ANALYTICS_DB_*",
  };
}

/**
 * A URL without `sslmode` gets libpq's default, `prefer` (TLS when the server offers it), written
 * out so that the app (postgres.js) and the migrations (dbmate, whose own default is `require`)
 * read the same URL the same way.
 */
export function withSslMode(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has("sslmode")) u.searchParams.set("sslmode", "prefer");
  return u.toString();
}

/** The URL with its password masked, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable url)";
  }
}
