import assert from "node:assert/strict";
import { isLoopbackAddress, isLoopbackHost, withoutPort } from "./loopback.ts";

Deno.test("loopback addresses and hosts", () => {
  for (
    const a of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1", "::FFFF:127.0.0.2"]
  ) {
    assert.ok(isLoopbackAddress(a), a);
  }
  for (
    const a of ["10.0.0.1", "0.0.0.0", "::", "192.168.1.2", "128.0.0.1", "evil", "127.evil", ""]
  ) {
    assert.ok(!isLoopbackAddress(a), a);
  }
  for (
    const h of ["localhost:8000", "LOCALHOST", "127.0.0.1:8000", "[::1]:80"]
  ) {
    assert.ok(isLoopbackHost(h), h);
  }
  for (
    const h of [
      "evil.example",
      "evil.example:8000",
      "10.0.0.5:8000",
      "localhost.evil.example",
      "app.localhost",
    ]
  ) {
    assert.ok(!isLoopbackHost(h), h);
  }
});

Deno.test("a host without its port", () => {
  assert.equal(withoutPort("[::1]:80"), "[::1]");
  assert.equal(withoutPort("::1"), "::1");
  assert.equal(withoutPort("Example.test:8000"), "example.test");
  assert.equal(withoutPort("127.0.0.1"), "127.0.0.1");
});
