/**
 * Real-browser harness: Debian's Chromium driven by playwright-core, against the real app served
 * on a loopback port with a real database. Browser tests are skipped (with a message) only when
 * /usr/bin/chromium is absent.
 */
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { createApp } from "../app.ts";
import { issueToken, type Role } from "../lib/auth.ts";
import { loadConfig } from "../lib/config.ts";
import { shipped } from "./static_config.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";
import { buildAssets } from "../lib/ui/build.ts";
import { TEST_SECRET } from "./harness.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();
if (!hasChromium) {
  console.warn(
    `Browser tests skipped: ${CHROMIUM} is not installed (apt-get install -y chromium).`,
  );
}

/** Screenshots go here (git-ignored). */
export const SCREENSHOT_DIR = new URL("../test-output/screenshots/", import.meta.url).pathname;

export interface BrowserApp {
  db: TestDatabase;
  baseUrl: string;
  browser: Browser;
  /** A long-lived context for step-by-step tests. */
  context: BrowserContext;
  /** A fresh context (no cache, no cookies) signed in as `role`/`userId`, `width` px wide. */
  freshContext(role: Role, userId: string, width: number): Promise<BrowserContext>;
  /** Sets the page session cookie for `role`/`userId` in the browser. */
  signIn(role: Role, userId: string): Promise<void>;
  token(role: Role, userId: string): Promise<string>;
  close(): Promise<void>;
}

/** Serves the app (with its browser bundle) on a free port and opens Chromium. */
export async function startBrowserApp(): Promise<BrowserApp> {
  const db = await createTestDatabase();
  const assets = await buildAssets({ quiet: true });
  const config = { ...loadConfig({ PULSE_ENV: "development" }), authSecret: TEST_SECRET };
  const app = createApp({ sql: db.sql, config, assets, settings: shipped }, {
    log: false,
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  const baseUrl = `http://127.0.0.1:${server.addr.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Generous: the suite runs browser tests in parallel on small CI machines.
  const TIMEOUT_MS = 60_000;
  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT_MS);
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  const token = (role: Role, userId: string) => issueToken(TEST_SECRET, role, userId);
  return {
    db,
    baseUrl,
    browser,
    context,
    token,
    async freshContext(role, userId, width) {
      const fresh = await browser.newContext({ viewport: { width, height: 900 } });
      fresh.setDefaultTimeout(TIMEOUT_MS);
      await fresh.addCookies([{
        name: "pulse_token",
        value: await token(role, userId),
        url: baseUrl,
        httpOnly: true,
      }]);
      return fresh;
    },
    async signIn(role, userId) {
      await context.clearCookies();
      await context.addCookies([{
        name: "pulse_token",
        value: await token(role, userId),
        url: baseUrl,
        httpOnly: true,
      }]);
    },
    async close() {
      await browser.close();
      await server.shutdown();
      await db.close();
    },
  };
}
