import assert from "node:assert/strict";
import { issueToken } from "../auth.ts";
import { verifyTokenCached } from "./verified_tokens.ts";

const SECRET = "verified-tokens-test-secret-0123456789abcdef";

Deno.test("verifyTokenCached: the same answers as verifyToken, expiry checked on every hit", async () => {
  const user = crypto.randomUUID();
  const token = await issueToken(SECRET, "learner", user, 2);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await verifyTokenCached(SECRET, token), { userId: user, role: "learner" });
  }
  // Another secret or a stricter lifetime rule does not reuse the verified entry.
  assert.equal(await verifyTokenCached(`${SECRET}-other`, token), null);
  assert.equal(await verifyTokenCached(SECRET, token, 1), null);
  // A tampered token is refused (and not kept).
  const [h, p, s] = token.split(".");
  const tampered = `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`;
  assert.equal(await verifyTokenCached(SECRET, tampered), null);
  assert.equal(await verifyTokenCached(SECRET, "not-a-token"), null);
  // Once expired, the kept entry no longer answers.
  await new Promise((r) => setTimeout(r, 2100));
  assert.equal(await verifyTokenCached(SECRET, token), null);
});
