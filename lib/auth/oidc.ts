/**
 * Staff single sign-on: OpenID Connect authorization code flow with PKCE (S256), state and nonce,
 * through openid-client. The provider's metadata is discovered once and reused; roles come from a
 * configured claim of the ID token (or of userinfo when the ID token lacks it).
 */
import * as oidc from "openid-client";
import { isLoopbackHost } from "../loopback.ts";
import type { OidcConfig, StaffRole } from "./config.ts";

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
      this.#discovered = oidc.discovery(
        issuer,
        this.config.clientId,
        this.config.clientSecret ?? undefined,
        this.config.clientSecret ? undefined : oidc.None(),
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      // A failed discovery (provider down) is retried by the next sign-in.
      this.#discovered.catch(() => (this.#discovered = null));
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
      throw new OidcError((error as Error).message);
    }
    const claims = tokens.claims();
    if (!claims) throw new OidcError("the provider returned no ID token");
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

/** The highest staff role any of `values` maps to (admin before coach), or null. */
export function mapRole(map: Record<string, StaffRole>, values: string[]): StaffRole | null {
  const roles = new Set(values.map((v) => map[v]).filter(Boolean));
  return roles.has("admin") ? "admin" : roles.has("coach") ? "coach" : null;
}
