/**
 * GET /sign-in/oidc?next=<path> and GET /sign-in/oidc/callback — staff single sign-on with the
 * configured OpenID Connect provider (authorization code + PKCE). State, nonce and the PKCE
 * verifier travel in a signed, HttpOnly cookie that lives ten minutes and is cleared on return.
 */
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { verify } from "hono/jwt";
import { z } from "zod";
import { hmacKey, signClaims } from "../../lib/auth.ts";
import type { OidcConfig } from "../../lib/auth/config.ts";
import { OidcClient, OidcError } from "../../lib/auth/oidc.ts";
import { oidcDevRedirectUri } from "../../lib/config.ts";
import { renderPage, withStatus } from "../../http/shell.tsx";
import type { AppEnv } from "../../http/env.ts";
import { HOME, localPath, startSession } from "../../http/session.ts";

const FLOW_COOKIE = "pulse_oidc";
const FLOW_AUDIENCE = "pulse-analytics:oidc-flow";
const FLOW_TTL_SECONDS = 10 * 60;

const flowClaims = z.object({
  aud: z.literal(FLOW_AUDIENCE),
  state: z.string(),
  nonce: z.string(),
  verifier: z.string(),
  redirectUri: z.string(),
  next: z.string().nullable(),
});

// One client per configured provider, so discovery runs once per process.
const clients = new WeakMap<OidcConfig, OidcClient>();
function clientFor(config: OidcConfig): OidcClient {
  let client = clients.get(config);
  if (!client) clients.set(config, client = new OidcClient(config));
  return client;
}

export const oidcRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (!c.get("config").auth.oidc) return c.notFound();
    await next();
  })
  .get("/", async (c) => {
    const config = c.get("config");
    const oidc = config.auth.oidc!;
    // Configured (required in production), never from the Host header a client chooses.
    const redirectUri = oidc.redirectUri ?? oidcDevRedirectUri(config.port);
    let begun;
    try {
      begun = await clientFor(oidc).begin(redirectUri);
    } catch {
      return failure(c, 503, "The sign-in provider cannot be reached right now. Try again soon.");
    }
    const now = Math.floor(Date.now() / 1000);
    const flow = await signClaims(config.authSecret, {
      aud: FLOW_AUDIENCE,
      iat: now,
      exp: now + FLOW_TTL_SECONDS,
      ...begun.transaction,
      next: localPath(c.req.query("next")),
    });
    // Lax: the provider's redirect back is a cross-site top-level GET.
    setCookie(c, FLOW_COOKIE, flow, {
      httpOnly: true,
      sameSite: "Lax",
      secure: config.env === "production",
      path: "/sign-in/oidc",
      maxAge: FLOW_TTL_SECONDS,
    });
    c.header("cache-control", "no-store");
    return c.redirect(begun.url.href, 302);
  })
  .get("/callback", async (c) => {
    const config = c.get("config");
    const cookie = getCookie(c, FLOW_COOKIE);
    deleteCookie(c, FLOW_COOKIE, { path: "/sign-in/oidc" });
    let flow: z.infer<typeof flowClaims> | null = null;
    if (cookie) {
      try {
        const payload = await verify(cookie, await hmacKey(config.authSecret), {
          alg: "HS256",
          aud: FLOW_AUDIENCE,
        });
        flow = flowClaims.parse(payload);
      } catch {
        flow = null;
      }
    }
    if (!flow) {
      return failure(c, 400, "The sign-in took too long or was started elsewhere. Start again.");
    }
    const providerError = c.req.query("error");
    if (providerError) {
      return failure(c, 401, `The sign-in provider refused: ${providerError}.`);
    }
    // The code and state as received, on the redirect URI the provider was given.
    const callbackUrl = new URL(flow.redirectUri);
    callbackUrl.search = new URL(c.req.url).search;
    let identity;
    try {
      identity = await clientFor(config.auth.oidc!).complete(callbackUrl, flow);
    } catch (error) {
      if (error instanceof OidcError) {
        return failure(c, 401, "The sign-in could not be verified. Start again.");
      }
      return failure(c, 503, "The sign-in provider cannot be reached right now. Try again soon.");
    }
    if (!identity.role) {
      return failure(
        c,
        403,
        `Your account has no PULSE Analytics role (claim '${
          config.auth.oidc!.roleClaim
        }'). Ask an administrator for the coach or admin role.`,
      );
    }
    await startSession(c, { userId: identity.subject, role: identity.role });
    c.header("cache-control", "no-store");
    // Checked again: the flow cookie is signed, but the rule may be stricter than when it was.
    return c.redirect(localPath(flow.next) ?? HOME[identity.role], 303);
  });

function failure(c: Parameters<typeof renderPage>[0], status: number, reason: string) {
  return withStatus(
    renderPage(
      c,
      "Sign-in failed",
      <section class="card">
        <h1>Sign-in failed</h1>
        <p>{reason}</p>
        <p>
          <a href="/sign-in">Back to sign-in</a>
        </p>
      </section>,
    ),
    status,
  );
}
