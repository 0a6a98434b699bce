/**
 * Staff single sign-on: OpenID Connect authorization code flow with PKCE (S256), state and nonce,
 * through openid-client. The provider's metadata is discovered once and reused; roles come from a
 * configured claim of the ID token (or of userinfo when the ID token lacks it). The ID token's
 * signature is checked against the provider's JWKS (openid-client's non-repudiation checks; the
 * key set is fetched again when a token names an unknown `kid`, at most once a minute), and its
 * `exp`, `nbf` and `iat` within CLOCK_SKEW_SECONDS. Failures are logged with their reason.
 */
import * as oidc from "openid-client";
import { log } from "../log.ts";
import { isLoopbackHost } from "../loopback.ts";
import type { OidcConfig, StaffRole } from "./config.ts";

/** How far the provider's clock may differ from ours when checking `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_SECONDS = 60;

/** What the browser keeps (signed, in a short-lived cookie) between redirect and callback. */
export interface OidcTransaction {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
}

/** A signed-in staff member: the provider's subject and the PULSE role the claim maps to. */
export interface StaffIdentity {
  subject: string;
  role: StaffRole | null;
  /** The claim values seen, to say why no role was found. */
  claimValues: string[];
}

/** The provider refused or the response failed a check (state, nonce, PKCE, signature). */
export class OidcError extends Error {
  override name = "OidcError";
}

/** Plain http is allowed only to a provider on this machine (development and tests). */
export function plainHttpAllowed(issuer: URL): boolean {
  return issuer.protocol === "http:" && isLoopbackHost(issuer.hostname);
}

/** An OIDC client for one configured provider; discovery happens on first use and is cached. */
export class OidcClient {
  #discovered: Promise<oidc.Configuration> | null = null;

  constructor(readonly config: OidcConfig) {}

  #configuration(): Promise<oidc.Configuration> {
    if (!this.#discovered) {
      const issuer = new URL(this.config.issuer);
      const insecure = plainHttpAllowed(issuer);
      const metadata: Partial<oidc.ClientMetadata> = {
        [oidc.clockTolerance]: CLOCK_SKEW_SECONDS,
        ...(this.config.clientSecret ? { client_secret: this.config.clientSecret } : {}),
      };
      this.#discovered = oidc.discovery(
        issuer,
        this.config.clientId,
        metadata,
        this.config.clientSecret ? undefined : oidc.None(),
        {
          execute: [
            ...(insecure ? [oidc.allowInsecureRequests] : []),
            // Verify the ID token's signature against the provider's JWKS even though it came
            // straight from the token endpoint: a token endpoint reached through a compromised
            // proxy, or a provider misconfiguration, must not mint identities.
            oidc.enableNonRepudiationChecks,
          ],
        },
      );
      // A failed discovery (provider down) is logged and retried by the next sign-in.
      this.#discovered.catch((error) => {
        this.#discovered = null;
        log.warn("oidc discovery failed", { issuer: this.config.issuer, ...reason(error) });
      });
    }
    return this.#discovered;
  }

  /** The provider URL to send the browser to, and the transaction to keep until the callback. */
  async begin(redirectUri: string): Promise<{ url: URL; transaction: OidcTransaction }> {
    const configuration = await this.#configuration();
    const transaction: OidcTransaction = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      redirectUri,
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: this.config.scopes,
      response_type: "code",
      code_challenge: await oidc.calculatePKCECodeChallenge(transaction.verifier),
      code_challenge_method: "S256",
      state: transaction.state,
      nonce: transaction.nonce,
    });
    return { url, transaction };
  }

  /** Redeems the code of `callbackUrl`, checking state, nonce and PKCE; maps the role claim. */
  async complete(callbackUrl: URL, transaction: OidcTransaction): Promise<StaffIdentity> {
    const configuration = await this.#configuration();
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: transaction.verifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      log.warn("oidc sign-in refused", { issuer: this.config.issuer, ...reason(error) });
      throw new OidcError((error as Error).message);
    }
    const claims = tokens.claims();
    if (!claims) throw new OidcError("the provider returned no ID token");
    // openid-client checks `exp` and `nbf` with the tolerance and only that `iat` is a number; an
    // ID token issued in the future is refused here.
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.iat !== "number" || claims.iat > now + CLOCK_SKEW_SECONDS) {
      const why = `ID token iat ${claims.iat} is in the future (now ${now})`;
      log.warn("oidc sign-in refused", { issuer: this.config.issuer, reason: why });
      throw new OidcError(why);
    }
    let value: unknown = claims[this.config.roleClaim];
    if (value === undefined && configuration.serverMetadata().userinfo_endpoint) {
      const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      value = info[this.config.roleClaim];
    }
    const claimValues = (Array.isArray(value) ? value : value === undefined ? [] : [value])
      .filter((v): v is string => typeof v === "string");
    return { subject: claims.sub, role: mapRole(this.config.roleMap, claimValues), claimValues };
  }
}

/** What to log about a failure: its message and library code, never a token or secret. */
function reason(error: unknown): { reason: string; code?: string } {
  const e = error as Error & { code?: unknown; cause?: unknown };
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
  return {
    reason: `${e?.message ?? String(error)}${cause}`,
    ...(typeof e?.code === "string" ? { code: e.code } : {}),
  };
}

/** The highest staff role any of `values` maps to (admin before coach), or null. */
export function mapRole(map: Record<string, StaffRole>, values: string[]): StaffRole | null {
  const roles = new Set(values.map((v) => map[v]).filter(Boolean));
  return roles.has("admin") ? "admin" : roles.has("coach") ? "coach" : null;
}
