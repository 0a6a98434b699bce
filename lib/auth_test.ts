import assert from "node:assert/strict";
import { sign } from "hono/jwt";
import {
  canReadLearner,
  ensureDevSecret,
  hmacKey,
  issueSignInToken,
  issueToken,
  SIGN_IN_AUDIENCE,
  verifyBearer,
  verifySignInToken,
  verifyToken,
} from "./auth.ts";

const SECRET = "a-secret-that-is-long-enough-for-hs256-0000";

Deno.test("issued tokens verify; wrong secret, expiry and bad claims do not", async () => {
  const token = await issueToken(SECRET, "coach", "coach-1");
  assert.deepEqual(await verifyToken(SECRET, token), { userId: "coach-1", role: "coach" });
  // verifyBearer: the same check, with the token's own expiry (what the cache keeps it by).
  const exp = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp;
  assert.deepEqual(await verifyBearer(SECRET, token), {
    caller: { userId: "coach-1", role: "coach" },
    exp,
  });
  assert.equal(await verifyToken(`${SECRET}x`, token), null);
  assert.equal(await verifyBearer(`${SECRET}x`, token), null);
  assert.equal(await verifyToken(SECRET, await issueToken(SECRET, "admin", "a", -10)), null);
  assert.equal(
    await verifyToken(SECRET, await sign({ sub: "x", role: "root" }, SECRET, "HS256")),
    null,
  );
  assert.equal(await verifyToken(SECRET, "not.a.token"), null);
});

Deno.test("learners read only themselves; other roles read anyone", () => {
  const me = "0b6f3c1e-7a51-4c8e-9d40-5f6a7b8c9d01";
  assert.equal(canReadLearner({ userId: me, role: "learner" }, me), true);
  assert.equal(canReadLearner({ userId: me, role: "learner" }, crypto.randomUUID()), false);
  for (const role of ["coach", "admin", "service"] as const) {
    assert.equal(canReadLearner({ userId: "x", role }, me), true);
  }
});

Deno.test("the development secret is created once and reused", async () => {
  const dir = await Deno.makeTempDir();
  const first = await ensureDevSecret(dir);
  assert.equal(first.length, 64);
  assert.equal(await ensureDevSecret(dir), first);
  await Deno.remove(dir, { recursive: true });
});

const now = () => Math.floor(Date.now() / 1000);
const HOUR = 3600;

Deno.test("tokens without exp, or living longer than the maximum, are refused", async () => {
  const raw = (payload: Record<string, unknown>) => sign(payload, SECRET, "HS256");
  const base = { sub: "svc", role: "service" };
  assert.equal(await verifyToken(SECRET, await raw(base)), null, "no exp");
  assert.equal(await verifyToken(SECRET, await raw({ ...base, iat: now() })), null, "iat only");
  // exp − iat beyond the maximum, even though exp itself is close.
  assert.equal(
    await verifyToken(
      SECRET,
      await raw({ ...base, iat: now() - 3 * HOUR, exp: now() + HOUR }),
      2 * HOUR,
    ),
    null,
  );
  // exp − now beyond the maximum, without iat.
  assert.equal(
    await verifyToken(SECRET, await raw({ ...base, exp: now() + 3 * HOUR }), 2 * HOUR),
    null,
  );
  // Within the maximum: accepted, with or without iat.
  assert.deepEqual(
    await verifyToken(SECRET, await raw({ ...base, exp: now() + HOUR }), 2 * HOUR),
    { userId: "svc", role: "service" },
  );
  assert.deepEqual(
    await verifyToken(SECRET, await issueToken(SECRET, "service", "svc", 2 * HOUR), 2 * HOUR),
    { userId: "svc", role: "service" },
  );
  assert.equal(
    await verifyToken(SECRET, await issueToken(SECRET, "service", "svc", 2 * HOUR + 1), 2 * HOUR),
    null,
  );
  // A non-numeric exp is no exp.
  assert.equal(await verifyToken(SECRET, await raw({ ...base, exp: "9999999999" })), null);
});

Deno.test("the HMAC key is imported once per secret", async () => {
  assert.equal(hmacKey(SECRET), hmacKey(SECRET));
  assert.notEqual(hmacKey(SECRET), hmacKey(`${SECRET}-other`));
  const key = await hmacKey(SECRET);
  assert.equal(key.type, "secret");
  assert.equal(key.extractable, false);
});

const U1 = "6f1d2c3b-4a59-4e7d-8c21-0a1b2c3d4e01";

Deno.test("a learner's sub must be a UUID (bearer and hand-off tokens); staff subs need not", async () => {
  for (const sub of ["u-1", "not-a-uuid", "../x", `${U1}x`, " " + U1, "0".repeat(32)]) {
    assert.equal(await verifyToken(SECRET, await issueToken(SECRET, "learner", sub)), null, sub);
    assert.equal(
      await verifySignInToken(SECRET, await issueSignInToken(SECRET, "learner", sub)),
      null,
      sub,
    );
  }
  assert.ok(await verifyToken(SECRET, await issueToken(SECRET, "learner", U1.toUpperCase())));
  assert.ok(await verifyToken(SECRET, await issueToken(SECRET, "coach", "carl.coach")));
  assert.ok(await verifySignInToken(SECRET, await issueSignInToken(SECRET, "admin", "admin-1")));
});

Deno.test("hand-off tokens: audience, jti and a short exp; never bearer tokens", async () => {
  const token = await issueSignInToken(SECRET, "learner", U1);
  const grant = await verifySignInToken(SECRET, token);
  assert.ok(grant);
  assert.deepEqual(grant.caller, { userId: U1, role: "learner" });
  assert.ok(grant.jti.length >= 8);
  assert.equal(await verifyToken(SECRET, token), null, "a hand-off token is not a bearer token");
  assert.equal(
    await verifySignInToken(SECRET, await issueToken(SECRET, "learner", U1)),
    null,
    "a bearer token is not a hand-off token",
  );
  const raw = (payload: Record<string, unknown>) => sign(payload, SECRET, "HS256");
  const base = { sub: U1, role: "learner", aud: SIGN_IN_AUDIENCE, jti: crypto.randomUUID() };
  assert.equal(await verifySignInToken(SECRET, await raw({ ...base, exp: now() + 301 })), null);
  assert.ok(await verifySignInToken(SECRET, await raw({ ...base, exp: now() + 300 })));
  assert.equal(await verifySignInToken(SECRET, await raw(base)), null, "no exp");
  assert.equal(
    await verifySignInToken(SECRET, await raw({ ...base, aud: "other", exp: now() + 60 })),
    null,
  );
  const { jti: _, ...noJti } = base;
  assert.equal(await verifySignInToken(SECRET, await raw({ ...noJti, exp: now() + 60 })), null);
  assert.equal(await verifySignInToken(`${SECRET}x`, token), null);
});
