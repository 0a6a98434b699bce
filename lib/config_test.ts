import assert from "node:assert/strict";
import { ConfigError, loadConfig, parseDotEnv, redactUrl } from "./config.ts";
import { childEnv } from "../tests/scripts.ts";
import { clusterUnavailable, startCluster } from "../tests/pg_cluster.ts";
import { migrateUp } from "./db/migrate.ts";
import { testServerUrl } from "../tests/db.ts";

Deno.test("no database variables → embedded database under PULSE_DATA_DIR", () => {
  const config = loadConfig({ PULSE_DATA_DIR: "/tmp/x" });
  assert.deepEqual(config.database, { kind: "embedded", dataDir: "/tmp/x/pgdata" });
  assert.equal(config.port, 8000);
  assert.equal(config.env, "development");
  assert.equal(config.authSecret, null);
  assert.equal(config.azure.sessionsContainer, "sessions");
});

Deno.test("PULSE_READINESS_INTERVAL_SECONDS: 15 s by default, 0 turns the runner off", () => {
  assert.equal(loadConfig({}).readinessIntervalSeconds, 15);
  assert.equal(loadConfig({ PULSE_READINESS_INTERVAL_SECONDS: "" }).readinessIntervalSeconds, 15);
  assert.equal(loadConfig({ PULSE_READINESS_INTERVAL_SECONDS: "0" }).readinessIntervalSeconds, 0);
  assert.equal(loadConfig({ PULSE_READINESS_INTERVAL_SECONDS: "5" }).readinessIntervalSeconds, 5);
  for (const bad of ["-1", "1.5", "soon", "3601"]) {
    assert.throws(
      () => loadConfig({ PULSE_READINESS_INTERVAL_SECONDS: bad }),
      (e: Error) =>
        e instanceof ConfigError &&
        /^Invalid environment: PULSE_READINESS_INTERVAL_SECONDS /.test(e.message),
      bad,
    );
  }
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

Deno.test("HOST: loopback in development, all interfaces in production, HOST wins", () => {
  assert.equal(loadConfig({}).host, "127.0.0.1");
  assert.equal(loadConfig({ HOST: "0.0.0.0" }).host, "0.0.0.0");
  const secret = "x".repeat(32);
  assert.equal(loadConfig({ PULSE_ENV: "production", PULSE_AUTH_SECRET: secret }).host, "0.0.0.0");
  assert.equal(
    loadConfig({ PULSE_ENV: "production", PULSE_AUTH_SECRET: secret, HOST: "10.0.0.5" }).host,
    "10.0.0.5",
  );
  assert.throws(() => loadConfig({ HOST: "a b" }), /HOST/);
});

Deno.test("a URL without sslmode means prefer, for the app and the migrations alike", () => {
  const url = (env: Record<string, string>) => {
    const db = loadConfig(env).database;
    return db.kind === "server" ? new URL(db.url).searchParams.get("sslmode") : null;
  };
  assert.equal(url({ PULSE_ANALYTICS_DATABASE_URL: "postgres://u@h/d" }), "prefer");
  assert.equal(
    url({ PULSE_ANALYTICS_DATABASE_URL: "postgres://u@h/d?sslmode=verify-full" }),
    "verify-full",
  );
  assert.equal(
    url({
      PULSE_ANALYTICS_DB_HOST: "h",
      PULSE_ANALYTICS_DB_NAME: "d",
      PULSE_ANALYTICS_DB_USER: "u",
    }),
    "prefer",
  );
});

Deno.test("parseDotEnv: comments, export, quotes", () => {
  assert.deepEqual(
    parseDotEnv(
      [
        "# comment",
        "PORT=9000",
        "export HOST=0.0.0.0 # trailing",
        'PULSE_AUTH_SECRET="a b#c \\"q\\""',
        "EMPTY=",
        "SINGLE='x # y'",
        "not a line",
      ].join("\n"),
    ),
    {
      PORT: "9000",
      HOST: "0.0.0.0",
      PULSE_AUTH_SECRET: 'a b#c "q"',
      EMPTY: "",
      SINGLE: "x # y",
    },
  );
});

/** Runs main.ts in `cwd` with only `env`; returns exit code and output (stopped after `ms`). */
async function runMain(cwd: string, env: Record<string, string>, ms = 60_000) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", new URL("../main.ts", import.meta.url).pathname],
    cwd,
    env: childEnv(env),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGTERM"), ms);
  const out = await child.output();
  clearTimeout(timer);
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test(".env is read from the working directory; the environment wins over it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pulse-dotenv-" });
  try {
    await Deno.writeTextFile(
      `${dir}/.env`,
      "PULSE_ANALYTICS_DB_HOST=from-dotenv.example\nPULSE_ANALYTICS_DB_NAME=pulse\n",
    );
    // From .env alone: the split variables are incomplete (USER missing) and start-up says so.
    const fromFile = await runMain(dir, {});
    assert.equal(fromFile.code, 1);
    assert.match(fromFile.stderr, /PULSE_ANALYTICS_DB_USER is required/);
    // The same variable set (even empty) in the environment wins over .env.
    const overridden = await runMain(dir, {
      PULSE_ANALYTICS_DB_HOST: "",
      PULSE_ANALYTICS_DB_NAME: "",
      PULSE_ANALYTICS_DATABASE_URL: "not a url",
    });
    assert.equal(overridden.code, 1);
    assert.match(overridden.stderr, /PULSE_ANALYTICS_DATABASE_URL must be a URL/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a database refusing the connection stops start-up with one line naming the variable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now
  const out = await runMain(Deno.cwd(), {
    PULSE_ANALYTICS_DATABASE_URL: `postgres://pulse:s3cret-pw@127.0.0.1:${port}/pulse`,
  });
  assert.equal(out.code, 1);
  const lines = out.stderr.split("\n");
  assert.equal(lines.length, 1, out.stderr);
  assert.match(
    lines[0],
    /PULSE_ANALYTICS_DATABASE_URL: cannot use the database at .*ECONNREFUSED|refused/i,
  );
  assert.doesNotMatch(out.stderr + out.stdout, /s3cret-pw/);
});

Deno.test({
  name: "a URL without sslmode migrates and serves on a server without TLS (app and dbmate agree)",
  ignore: clusterUnavailable() !== null && !testServerUrl(),
  async fn() {
    const cluster = clusterUnavailable() === null ? await startCluster() : null;
    try {
      const base = new URL(cluster ? cluster.url : testServerUrl()!);
      base.search = "";
      const { createEmptyTestDatabase } = await import("../tests/db.ts");
      const db = cluster ? null : await createEmptyTestDatabase({ serverUrl: base.toString() });
      const url = db ? new URL(db.url) : base;
      url.search = ""; // no sslmode at all
      const config = loadConfig({ PULSE_ANALYTICS_DATABASE_URL: url.toString() });
      assert.equal(config.database.kind, "server");
      if (config.database.kind === "server") await migrateUp(config.database.url, { quiet: true });
      await db?.close();
    } finally {
      await cluster?.destroy();
    }
  },
});

Deno.test({
  name: "development binds 127.0.0.1: the port does not answer on other interfaces",
  ignore: !testServerUrl() ||
    !Deno.networkInterfaces().some((i) => i.family === "IPv4" && !i.address.startsWith("127.")),
  async fn() {
    const { createTestDatabase } = await import("../tests/db.ts");
    const db = await createTestDatabase();
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", new URL("../main.ts", import.meta.url).pathname],
      env: childEnv({
        PULSE_ANALYTICS_DATABASE_URL: db.url,
        PORT: String(port),
        PULSE_ENV: "development",
      }),
      clearEnv: true,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    let exited: Deno.CommandStatus | null = null;
    child.status.then((status) => (exited = status));
    try {
      const deadline = Date.now() + 120_000;
      let up = false;
      while (!up && !exited && Date.now() < deadline) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`);
          await res.body?.cancel();
          up = res.ok;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      if (!up) {
        if (!exited) child.kill("SIGTERM");
        const status = await child.status;
        assert.fail(
          `the server did not come up on 127.0.0.1 (exit ${status.code}):\n${await stderr}`,
        );
      }
      const external = Deno.networkInterfaces().find((i) =>
        i.family === "IPv4" && !i.address.startsWith("127.")
      )!.address;
      await assert.rejects(async () => {
        const conn = await Deno.connect({ hostname: external, port });
        conn.close();
      });
    } finally {
      if (!exited) child.kill("SIGTERM");
      await child.status;
      await stderr;
      await db.close();
    }
  },
});

Deno.test("single sign-on: the redirect URI is required in production, never taken from a request", async () => {
  const oidc = {
    PULSE_OIDC_ISSUER: "https://login.example/tenant/v2.0",
    PULSE_OIDC_CLIENT_ID: "pulse",
    PULSE_OIDC_CLIENT_SECRET: "s3cret",
  };
  const secret = "x".repeat(32);
  assert.throws(
    () => loadConfig({ PULSE_ENV: "production", PULSE_AUTH_SECRET: secret, ...oidc }),
    (error: Error) =>
      error instanceof ConfigError && /PULSE_OIDC_REDIRECT_URI is required/.test(error.message),
  );
  const given = "https://analytics.example/sign-in/oidc/callback";
  assert.equal(
    loadConfig({
      PULSE_ENV: "production",
      PULSE_AUTH_SECRET: secret,
      ...oidc,
      PULSE_OIDC_REDIRECT_URI: given,
    }).auth.oidc?.redirectUri,
    given,
  );
  assert.equal(
    loadConfig({ ...oidc, PORT: "8123" }).auth.oidc?.redirectUri,
    "http://localhost:8123/sign-in/oidc/callback",
    "development: this machine",
  );
  // Start-up names it in one line.
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname],
    env: { PULSE_ENV: "production", PULSE_AUTH_SECRET: secret, ...oidc },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 1);
  assert.match(stderr, /PULSE_OIDC_REDIRECT_URI is required/);
  assert.doesNotMatch(stderr, /s3cret/);
});
