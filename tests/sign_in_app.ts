/**
 * Sign-in test harness: the real app with production settings on a loopback port (reached as
 * http://localhost:<port>), a real database, Chromium, and optionally a real OpenID provider
 * (oidc-provider, on 127.0.0.1: another site than the app, as a real provider is).
 */
import { createServer, type Server } from "node:http";
import { type BrowserContext, chromium } from "playwright-core";
import { createApp } from "../app.ts";
import { loadConfig } from "../lib/config.ts";
import { shipped } from "./static_config.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";
import { buildAssets } from "../lib/ui/build.ts";
import { CHROMIUM } from "./browser.ts";
import { TEST_SECRET } from "./harness.ts";

export interface SignInApp {
  db: TestDatabase;
  /** http://localhost:<port> */
  baseUrl: string;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Listens first (so the port is known for the provider's redirect URI), then builds the app. */
export async function startSignInApp(
  env: (baseUrl: string) => Record<string, string> | Promise<Record<string, string>>,
): Promise<SignInApp> {
  const db = await createTestDatabase();
  const assets = await buildAssets({ quiet: true });
  let handler: (req: Request) => Response | Promise<Response> = () =>
    new Response("starting", { status: 503 });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => handler(req),
  );
  const baseUrl = `http://localhost:${server.addr.port}`;
  const config = {
    ...loadConfig({
      PULSE_ENV: "production",
      PULSE_AUTH_SECRET: TEST_SECRET,
      ...await env(baseUrl),
    }),
    authSecret: TEST_SECRET,
  };
  const app = createApp({ sql: db.sql, config, assets, settings: shipped }, {
    log: false,
  });
  handler = app.fetch;
  const profile = await Deno.makeTempDir({ prefix: "pulse-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
  });
  return {
    db,
    baseUrl,
    context,
    async close() {
      await context.close();
      await server.shutdown();
      await db.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

/** Who can sign in at the test provider (any password), and the groups claim each one has. */
export const PROVIDER_ACCOUNTS: Record<string, string[]> = {
  "ada.admin": ["pulse-admins", "everyone"],
  "carl.coach": ["pulse-coaches"],
  "nora.nobody": ["everyone"],
};

/** A real OpenID provider (oidc-provider with its development login and consent pages). */
export async function startProvider(
  client: { clientId: string; clientSecret: string; redirectUri: string },
  options: { claimsInIdToken?: boolean } = {},
): Promise<TestProvider> {
  const { default: Provider } = await import("oidc-provider");
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: [client.redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    }],
    // The groups claim is released for the `groups` scope; with conformIdTokenClaims (the
    // default) it is only in userinfo (the app's userinfo fallback), otherwise in the ID token too
    // (as Entra ID puts app roles in the ID token).
    claims: { openid: ["sub"], groups: ["groups"] },
    conformIdTokenClaims: !options.claimsInIdToken,
    findAccount: (_ctx: unknown, id: string) =>
      PROVIDER_ACCOUNTS[id]
        ? { accountId: id, claims: () => ({ sub: id, groups: PROVIDER_ACCOUNTS[id] }) }
        : undefined,
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
  });
  server.on("request", provider.callback());
  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
