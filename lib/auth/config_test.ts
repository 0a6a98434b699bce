import assert from "node:assert/strict";
import { DEFAULT_TOKEN_MAX_TTL_SECONDS, loadAuthConfig, parseRoleMap } from "./config.ts";

Deno.test("auth settings: defaults, limits and the variable at fault", () => {
  const defaults = loadAuthConfig({});
  assert.equal(defaults.tokenMaxTtlSeconds, DEFAULT_TOKEN_MAX_TTL_SECONDS);
  assert.equal(defaults.oidc, null);
  assert.equal(loadAuthConfig({ PULSE_TOKEN_MAX_TTL_SECONDS: "86400" }).tokenMaxTtlSeconds, 86400);
  assert.throws(
    () => loadAuthConfig({ PULSE_TOKEN_MAX_TTL_SECONDS: "soon" }),
    /PULSE_TOKEN_MAX_TTL_SECONDS/,
  );
  assert.throws(
    () =>
      loadAuthConfig({ PULSE_TOKEN_MAX_TTL_SECONDS: "3600", PULSE_SESSION_TTL_SECONDS: "7200" }),
    /PULSE_SESSION_TTL_SECONDS/,
  );
  assert.throws(
    () => loadAuthConfig({ PULSE_OIDC_ISSUER: "https://login.example/tenant/v2.0" }),
    /PULSE_OIDC_CLIENT_ID/,
  );
  assert.throws(
    () => loadAuthConfig({ PULSE_OIDC_ISSUER: "ftp://x", PULSE_OIDC_CLIENT_ID: "c" }),
    /PULSE_OIDC_ISSUER/,
  );
  const oidc = loadAuthConfig({
    PULSE_OIDC_ISSUER: "https://login.example/tenant/v2.0",
    PULSE_OIDC_CLIENT_ID: "pulse",
    PULSE_OIDC_CLIENT_SECRET: "s3cret",
    PULSE_OIDC_ROLE_CLAIM: "groups",
    PULSE_OIDC_ROLE_MAP: "Pulse.Admin=admin, Pulse.Coach=coach",
  }).oidc;
  assert.deepEqual(oidc?.roleMap, { "Pulse.Admin": "admin", "Pulse.Coach": "coach" });
  assert.equal(oidc?.roleClaim, "groups");
  assert.throws(
    () =>
      loadAuthConfig({
        PULSE_OIDC_ISSUER: "https://x",
        PULSE_OIDC_CLIENT_ID: "c",
        PULSE_OIDC_ROLE_MAP: "x=root",
      }),
    /PULSE_OIDC_ROLE_MAP/,
  );
  assert.equal(parseRoleMap("=admin"), null);
});
