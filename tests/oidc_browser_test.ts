/** Staff single sign-on in Chromium against a real OpenID provider started by the test. */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { hasChromium } from "./browser.ts";
import { startProvider, startSignInApp, type TestProvider } from "./sign_in_app.ts";

const CLIENT = {
  clientId: "pulse-analytics",
  clientSecret: "client-secret-for-the-test-0123456789",
};

async function signInAtProvider(page: Page, login: string) {
  await page.waitForSelector("input[name=login]");
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", "any password");
  await page.click("button[type=submit]");
  // Consent for the requested scopes.
  await page.waitForSelector("button[type=submit]");
  await page.click("button[type=submit]");
}

Deno.test({
  name: "staff sign in with OpenID Connect (code + PKCE) and land on their page",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    let provider: TestProvider | undefined;
    const b = await startSignInApp(async (baseUrl) => {
      provider = await startProvider({
        ...CLIENT,
        redirectUri: `${baseUrl}/sign-in/oidc/callback`,
      });
      return {
        PULSE_OIDC_ISSUER: provider.issuer,
        PULSE_OIDC_CLIENT_ID: CLIENT.clientId,
        PULSE_OIDC_CLIENT_SECRET: CLIENT.clientSecret,
        PULSE_OIDC_REDIRECT_URI: `${baseUrl}/sign-in/oidc/callback`,
        PULSE_OIDC_SCOPES: "openid groups",
        PULSE_OIDC_ROLE_CLAIM: "groups",
        PULSE_OIDC_ROLE_MAP: "pulse-admins=admin,pulse-coaches=coach",
      };
    });
    try {
      await t.step("admin: /admin → sign-in → provider → back on /admin", async () => {
        const page = await b.context.newPage();
        await page.goto(`${b.baseUrl}/admin`);
        assert.equal(page.url(), `${b.baseUrl}/sign-in?next=%2Fadmin`);
        await page.click("[data-testid=sso-sign-in]");
        assert.ok(page.url().startsWith(provider!.issuer), page.url());
        await signInAtProvider(page, "ada.admin");
        await page.waitForURL(`${b.baseUrl}/admin`);
        assert.equal(await page.locator("h1").first().innerText(), "Admin console");
        const [session] = (await b.context.cookies(b.baseUrl)).filter((c) =>
          c.name === "pulse_token"
        );
        assert.ok(session, "session cookie set");
        assert.equal(session.httpOnly, true);
        assert.equal(session.secure, true);
        assert.equal(session.sameSite, "Lax");
        assert.ok(session.expires > Date.now() / 1000, "has its own expiry");
        // The flow cookie is gone once used.
        assert.equal((await b.context.cookies()).some((c) => c.name === "pulse_oidc"), false);
        await page.close();
      });

      await t.step("coach without next → the learners list", async () => {
        await b.context.clearCookies();
        const page = await b.context.newPage();
        await page.goto(`${b.baseUrl}/sign-in/oidc`);
        await signInAtProvider(page, "carl.coach");
        await page.waitForURL(`${b.baseUrl}/learners`);
        await page.goto(`${b.baseUrl}/admin`);
        assert.equal(await page.locator("h1").first().innerText(), "Not allowed");
        await page.close();
      });

      await t.step("an account without a mapped role gets a 403 and no session", async () => {
        await b.context.clearCookies();
        const page = await b.context.newPage();
        let status = 0;
        page.on("response", (r) => {
          if (r.url().includes("/sign-in/oidc/callback")) status = r.status();
        });
        await page.goto(`${b.baseUrl}/sign-in/oidc?next=%2Fadmin`);
        await signInAtProvider(page, "nora.nobody");
        await page.waitForURL(/\/sign-in\/oidc\/callback/);
        await page.waitForSelector("h1");
        assert.equal(status, 403);
        assert.match(await page.locator("main").innerText(), /no PULSE Analytics role/);
        assert.equal(
          (await b.context.cookies(b.baseUrl)).some((c) => c.name === "pulse_token"),
          false,
        );
        await page.close();
      });

      await t.step("state and the flow cookie are checked", async () => {
        const start = await fetch(`${b.baseUrl}/sign-in/oidc`, { redirect: "manual" });
        assert.equal(start.status, 302);
        const authorize = new URL(start.headers.get("location")!);
        assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
        assert.ok(authorize.searchParams.get("nonce"));
        assert.ok(authorize.searchParams.get("state"));
        const flow = start.headers.get("set-cookie")!.split(";")[0];
        assert.match(start.headers.get("set-cookie")!, /HttpOnly/);
        const callback = (query: string, cookie?: string) =>
          fetch(`${b.baseUrl}/sign-in/oidc/callback?${query}`, {
            redirect: "manual",
            headers: cookie ? { cookie } : {},
          });
        const wrongState = await callback("code=abc&state=not-the-state", flow);
        assert.equal(wrongState.status, 401);
        assert.equal(
          wrongState.headers.getSetCookie().some((c) => c.startsWith("pulse_token=")),
          false,
        );
        await wrongState.body?.cancel();
        const noCookie = await callback(`code=abc&state=${authorize.searchParams.get("state")}`);
        assert.equal(noCookie.status, 400);
        await noCookie.body?.cancel();
        const refused = await callback("error=access_denied", flow);
        assert.equal(refused.status, 401);
        await refused.body?.cancel();
      });
    } finally {
      await b.close();
      await provider?.close();
    }
  },
});

Deno.test({
  name: "staff OIDC with the role claim in the ID token (as Entra ID sends app roles)",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let provider: TestProvider | undefined;
    const b = await startSignInApp(async (baseUrl) => {
      provider = await startProvider(
        { ...CLIENT, redirectUri: `${baseUrl}/sign-in/oidc/callback` },
        { claimsInIdToken: true },
      );
      return {
        PULSE_OIDC_ISSUER: provider.issuer,
        PULSE_OIDC_CLIENT_ID: CLIENT.clientId,
        PULSE_OIDC_CLIENT_SECRET: CLIENT.clientSecret,
        PULSE_OIDC_REDIRECT_URI: `${baseUrl}/sign-in/oidc/callback`,
        PULSE_OIDC_SCOPES: "openid groups",
        PULSE_OIDC_ROLE_CLAIM: "groups",
        PULSE_OIDC_ROLE_MAP: "pulse-admins=admin,pulse-coaches=coach",
      };
    });
    try {
      const page = await b.context.newPage();
      await page.goto(`${b.baseUrl}/admin`);
      await page.click("[data-testid=sso-sign-in]");
      await signInAtProvider(page, "ada.admin");
      await page.waitForURL(`${b.baseUrl}/admin`);
      assert.equal(await page.locator("h1").first().innerText(), "Admin console");
      await page.close();
    } finally {
      await b.close();
      await provider?.close();
    }
  },
});
