import assert from "node:assert/strict";
import { sign } from "hono/jwt";
import { canReadLearner, ensureDevSecret, issueToken, verifyToken } from "./auth.ts";

const SECRET = "a-secret-that-is-long-enough-for-hs256-0000";

Deno.test("issued tokens verify; wrong secret, expiry and bad claims do not", async () => {
  const token = await issueToken(SECRET, "coach", "coach-1");
  assert.deepEqual(await verifyToken(SECRET, token), { userId: "coach-1", role: "coach" });
  assert.equal(await verifyToken(`${SECRET}x`, token), null);
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
