import assert from "node:assert/strict";
import { issueToken } from "../auth.ts";
import { MAX_KEEP_SECONDS, verifyTokenCached } from "./verified_tokens.ts";

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

Deno.test("verifyTokenCached: a verified token is trusted five minutes at most, then checked again", async () => {
  const token = await issueToken(SECRET, "coach", crypto.randomUUID(), 60 * 60);
  const subtle = crypto.subtle;
  const realVerify = subtle.verify;
  const realNow = Date.now;
  // The clock stands still unless the test moves it.
  const start = Math.floor(realNow() / 1000) * 1000;
  let checks = 0;
  let offsetMs = 0;
  subtle.verify = ((...args: Parameters<SubtleCrypto["verify"]>) => {
    checks++;
    return realVerify.apply(subtle, args);
  }) as SubtleCrypto["verify"];
  Date.now = () => start + offsetMs;
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal((await verifyTokenCached(SECRET, token))?.role, "coach");
    }
    assert.equal(checks, 1, "one signature check for three requests");
    // Just before the five minutes are up, then at five minutes.
    offsetMs = MAX_KEEP_SECONDS * 1000 - 1;
    assert.equal((await verifyTokenCached(SECRET, token))?.role, "coach");
    assert.equal(checks, 1);
    offsetMs = MAX_KEEP_SECONDS * 1000;
    assert.equal((await verifyTokenCached(SECRET, token))?.role, "coach");
    assert.equal(checks, 2, "checked again once five minutes have passed");
  } finally {
    subtle.verify = realVerify;
    Date.now = realNow;
  }
});
