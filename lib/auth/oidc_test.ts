import assert from "node:assert/strict";
import { mapRole } from "./oidc.ts";

Deno.test("provider claim values map to the highest staff role, or none", () => {
  const map = { "Pulse.Admin": "admin", "Pulse.Coach": "coach" } as const;
  assert.equal(mapRole(map, ["Pulse.Coach", "Pulse.Admin"]), "admin");
  assert.equal(mapRole(map, ["Pulse.Coach"]), "coach");
  assert.equal(mapRole(map, ["pulse.admin", "Everyone"]), null, "values match exactly");
  assert.equal(mapRole(map, []), null);
});
