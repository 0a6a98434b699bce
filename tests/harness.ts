/** Test harness: the real app on a real, migrated database created for the test. */
import { createApp } from "../app.ts";
import { issueToken, type Role } from "../lib/auth.ts";
import { loadConfig } from "../lib/config.ts";
import { shipped } from "./static_config.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

export const TEST_SECRET = "test-secret-for-pulse-analytics-0123456789";

export interface TestApp {
  app: ReturnType<typeof createApp>;
  db: TestDatabase;
  /** Signs a token for `role` (a random subject unless `userId` is given). */
  token(role: Role, userId?: string): Promise<string>;
  /** Calls the app with an optional bearer token and JSON body; returns status and parsed body. */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string },
    // deno-lint-ignore no-explicit-any -- JSON bodies are checked field by field in the tests
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Starts the app on a fresh migrated database; `env` adds configuration (e.g. blob storage). */
export async function startTestApp(
  options: { env?: Record<string, string> } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = {
    ...loadConfig({ PULSE_ENV: "development", ...options.env }),
    authSecret: TEST_SECRET,
  };
  const app = createApp({ sql: db.sql, config, settings: shipped }, { log: false });
  return {
    app,
    db,
    token: (role, userId) => issueToken(TEST_SECRET, role, userId ?? crypto.randomUUID()),
    async call(method, path, options = {}) {
      const headers: Record<string, string> = {};
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch { /* not JSON: keep the text */ }
      return { status: res.status, body: parsed };
    },
    close: () => db.close(),
  };
}
