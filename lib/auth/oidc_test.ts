import assert from "node:assert/strict";
import { mapRole, plainHttpAllowed } from "./oidc.ts";

Deno.test("provider claim values map to the highest staff role, or none", () => {
  const map = { "Pulse.Admin": "admin", "Pulse.Coach": "coach" } as const;
  assert.equal(mapRole(map, ["Pulse.Coach", "Pulse.Admin"]), "admin");
  assert.equal(mapRole(map, ["Pulse.Coach"]), "coach");
  assert.equal(mapRole(map, ["pulse.admin", "Everyone"]), null, "values match exactly");
  assert.equal(mapRole(map, []), null);
});

Deno.test("plain http only to a provider on this machine", () => {
  for (
    const issuer of ["http://localhost:9000", "http://127.0.0.1:9000/oidc", "http://[::1]:9000"]
  ) {
    assert.ok(plainHttpAllowed(new URL(issuer)), issuer);
  }
  for (
    const issuer of [
      "http://idp.example",
      "http://10.0.0.5:9000",
      "http://localhost.idp.example",
      "https://idp.example",
    ]
  ) {
    assert.ok(!plainHttpAllowed(new URL(issuer)), issuer);
  }
});
