import assert from "node:assert/strict";
import { ConfigError, loadConfig, redactUrl } from "./config.ts";

Deno.test("no database variables → embedded database under PULSE_DATA_DIR", () => {
  const config = loadConfig({ PULSE_DATA_DIR: "/tmp/x" });
  assert.deepEqual(config.database, { kind: "embedded", dataDir: "/tmp/x/pgdata" });
  assert.equal(config.port, 8000);
  assert.equal(config.env, "development");
  assert.equal(config.authSecret, null);
  assert.equal(config.azure.sessionsContainer, "sessions");
});

Deno.test("PULSE_ANALYTICS_DATABASE_URL → server", () => {
  const config = loadConfig({
    PULSE_ANALYTICS_DATABASE_URL: "postgres://u:p@db.example:5433/pulse",
  });
  assert.equal(config.database.kind, "server");
  assert.equal(
    config.database.kind === "server" && config.database.url,
    "postgres://u:p@db.example:5433/pulse?sslmode=prefer",
  );
});

Deno.test("split variables build an encoded URL with sslmode", () => {
  const config = loadConfig({
    PULSE_ANALYTICS_DB_HOST: "db.example",
    PULSE_ANALYTICS_DB_NAME: "pulse_analytics",
    PULSE_ANALYTICS_DB_USER: "pulse",
    PULSE_ANALYTICS_DB_PASSWORD: "p@ss/w:rd",
    PULSE_ANALYTICS_DB_SSLMODE: "require",
  });
  assert.equal(config.database.kind, "server");
  const url = new URL(config.database.kind === "server" ? config.database.url : "");
  assert.equal(decodeURIComponent(url.password), "p@ss/w:rd");
  assert.equal(url.port, "5432");
  assert.equal(url.pathname, "/pulse_analytics");
  assert.equal(url.searchParams.get("sslmode"), "require");
  assert.equal(redactUrl(url.toString()).includes("p%40ss"), false);
});

Deno.test("invalid environment names the variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PULSE_ANALYTICS_DATABASE_URL: "not a url" }, /PULSE_ANALYTICS_DATABASE_URL/],
    [{ PULSE_ANALYTICS_DATABASE_URL: "mysql://x@y/z" }, /PULSE_ANALYTICS_DATABASE_URL/],
    [{ PULSE_ANALYTICS_DB_HOST: "db.example" }, /PULSE_ANALYTICS_DB_NAME is required/],
    [
      { PULSE_ANALYTICS_DB_HOST: "h", PULSE_ANALYTICS_DB_NAME: "n" },
      /PULSE_ANALYTICS_DB_USER is required/,
    ],
    [
      { PULSE_ANALYTICS_DB_NAME: "n", PULSE_ANALYTICS_DB_USER: "u" },
      /PULSE_ANALYTICS_DB_HOST is required/,
    ],
    [{
      PULSE_ANALYTICS_DB_HOST: "h",
      PULSE_ANALYTICS_DB_NAME: "n",
      PULSE_ANALYTICS_DB_USER: "u",
      PULSE_ANALYTICS_DB_PORT: "99999",
    }, /PULSE_ANALYTICS_DB_PORT/],
    [{
      PULSE_ANALYTICS_DB_HOST: "h",
      PULSE_ANALYTICS_DB_NAME: "n",
      PULSE_ANALYTICS_DB_USER: "u",
      PULSE_ANALYTICS_DB_SSLMODE: "sometimes",
    }, /PULSE_ANALYTICS_DB_SSLMODE/],
    [
      { PULSE_ANALYTICS_DATABASE_URL: "postgres://a@b/c", PULSE_ANALYTICS_DB_HOST: "h" },
      /not both/,
    ],
    [{ PORT: "eighty" }, /PORT/],
    [{ PULSE_ENV: "staging" }, /PULSE_ENV/],
    [{ PULSE_ENV: "production" }, /PULSE_AUTH_SECRET is required/],
    [{ PULSE_AUTH_SECRET: "short" }, /PULSE_AUTH_SECRET must be at least 32/],
  ];
  for (const [env, pattern] of cases) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
      JSON.stringify(env),
    );
  }
});

Deno.test("start-up with bad env prints one line naming the variable, no stack trace", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname],
    env: { PULSE_ANALYTICS_DB_HOST: "db.example", PULSE_ANALYTICS_DATABASE_URL: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 1);
  assert.match(stderr, /PULSE_ANALYTICS_DB_NAME is required/);
  assert.doesNotMatch(stderr, /\bat .*\.ts:\d+/);
});
