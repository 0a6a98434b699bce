/**
 * Single sign-on against a real OpenID provider (oidc-provider) without a browser: the provider's
 * development login is driven over HTTP. The provider signs with a key this test holds, and its
 * token endpoint can be wrapped so that the ID token it returns is altered (another key, an `iat`
 * in the future) before the app sees it; discovery, authorization and the real token exchange stay
 * the provider's. Also: hostile `next` values through the whole flow, a redirect URI that ignores
 * the Host header, and a failed discovery that is logged.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createApp } from "../app.ts";
import { loadConfig } from "../lib/config.ts";
import { shipped } from "./static_config.ts";
import { createTestDatabase } from "./db.ts";
import { setSink } from "../lib/log.ts";
import { TEST_SECRET } from "./harness.ts";
import { HOSTILE_NEXT } from "./next_paths.ts";

const CLIENT_ID = "pulse-analytics";
const CLIENT_SECRET = "client-secret-for-the-test-0123456789";
const APP = "http://analytics.localhost:8000";
const REDIRECT_URI = `${APP}/sign-in/oidc/callback`;

type Tamper = (payload: Record<string, unknown>) => Promise<string>;

const b64url = (bytes: Uint8Array | string) =>
  btoa(
    String.fromCharCode(...(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes)),
  )
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function rsaKey(kid: string) {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  ) as CryptoKeyPair;
  const { key_ops: _, ext: __, ...jwk } = await crypto.subtle.exportKey("jwk", pair.privateKey);
  return {
    kid,
    jwk: { ...jwk, kid, use: "sig", alg: "RS256" },
    /** An RS256 JWT of `payload` signed with this key, naming `kid`. */
    async sign(payload: Record<string, unknown>, headerKid = kid) {
      const input = `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: headerKid }))}.${
        b64url(JSON.stringify(payload))
      }`;
      const sig = await crypto.subtle.sign(
        "RSASSA-PKCS1-v1_5",
        pair.privateKey,
        new TextEncoder().encode(input),
      );
      return `${input}.${b64url(new Uint8Array(sig))}`;
    },
  };
}

function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (c: Uint8Array) => chunks.push(c));
    req.on("end", () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) (out.set(c, at), at += c.length);
      resolve(out);
    });
  });
}

/** The provider on 127.0.0.1, signing with `signingKey`; `tamper` rewrites ID tokens when set. */
async function startProvider(signingKey: Awaited<ReturnType<typeof rsaKey>>) {
  const { default: Provider } = await import("oidc-provider");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    }],
    jwks: { keys: [signingKey.jwk] },
    claims: { openid: ["sub"], groups: ["groups"] },
    conformIdTokenClaims: false,
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: id, groups: ["pulse-admins"] }),
    }),
    pkce: { required: () => true },
  });
  const callback = provider.callback();
  const state = { tamper: null as Tamper | null };
  // The tiny token endpoint of this test: the provider's real exchange, then the ID token altered.
  server.on("request", async (req: IncomingMessage, res: ServerResponse) => {
    const wrapped = req.method === "POST" && req.url === "/token" && state.tamper &&
      !req.headers["x-untampered"];
    if (!wrapped) return callback(req, res);
    const body = await readBody(req);
    const real = await fetch(`${issuer}/token`, {
      method: "POST",
      headers: {
        "content-type": String(req.headers["content-type"]),
        authorization: String(req.headers.authorization ?? ""),
        "x-untampered": "1",
      },
      body,
    });
    const json = await real.json();
    if (json.id_token) {
      const payload = JSON.parse(
        new TextDecoder().decode(
          Uint8Array.from(
            atob(json.id_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")),
            (c) => c.charCodeAt(0),
          ),
        ),
      );
      json.id_token = await state.tamper!(payload);
    }
    res.writeHead(real.status, { "content-type": "application/json" });
    res.end(JSON.stringify(json));
  });
  return {
    issuer,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Cookies per host, enough for the provider's login and the app's flow cookie. */
class Jar {
  #cookies = new Map<string, Map<string, string>>();
  header(url: string): string {
    return [...(this.#cookies.get(new URL(url).host) ?? new Map()).entries()]
      .map(([k, v]) => `${k}=${v}`).join("; ");
  }
  store(url: string, res: Response) {
    const host = new URL(url).host;
    const jar = this.#cookies.get(host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    this.#cookies.set(host, jar);
  }
}

Deno.test({
  name: "single sign-on against the real provider: signature, iat, next, redirect URI, logs",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const signing = await rsaKey("provider-key");
    const foreign = await rsaKey("foreign-key");
    const provider = await startProvider(signing);
    const db = await createTestDatabase();
    const lines: string[] = [];
    const restore = setSink((line) => lines.push(line));
    const config = (issuer: string) => ({
      ...loadConfig({
        PULSE_ENV: "production",
        PULSE_AUTH_SECRET: TEST_SECRET,
        PULSE_OIDC_ISSUER: issuer,
        PULSE_OIDC_CLIENT_ID: CLIENT_ID,
        PULSE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
        PULSE_OIDC_REDIRECT_URI: REDIRECT_URI,
        PULSE_OIDC_SCOPES: "openid groups",
        PULSE_OIDC_ROLE_CLAIM: "groups",
        PULSE_OIDC_ROLE_MAP: "pulse-admins=admin",
      }),
      authSecret: TEST_SECRET,
    });
    const app = createApp({
      sql: db.sql,
      config: config(provider.issuer),
      settings: shipped,
    }, { log: false });
    const jar = new Jar();

    /** Start at the app, sign in at the provider, and return the app's answer to the callback. */
    async function signIn(next?: string, headers: Record<string, string> = {}) {
      let url = `${APP}/sign-in/oidc${
        next === undefined ? "" : `?next=${encodeURIComponent(next)}`
      }`;
      let res = await app.request(url, { redirect: "manual", headers });
      jar.store(url, res);
      assert.equal(res.status, 302, await res.clone().text());
      for (let hop = 0; hop < 12; hop++) {
        url = new URL(res.headers.get("location")!, url).href;
        if (url.startsWith(APP)) {
          const answer = await app.request(url, {
            redirect: "manual",
            headers: { cookie: jar.header(url) },
          });
          jar.store(url, answer);
          return answer;
        }
        res = await fetch(url, { redirect: "manual", headers: { cookie: jar.header(url) } });
        jar.store(url, res);
        if (res.status === 200) {
          // The provider's development login, then its consent page.
          const html = await res.text();
          const form = new URLSearchParams(
            html.includes('name="login"')
              ? { prompt: "login", login: "ada.admin", password: "any" }
              : { prompt: "consent" },
          );
          res = await fetch(url, {
            method: "POST",
            redirect: "manual",
            headers: {
              cookie: jar.header(url),
              "content-type": "application/x-www-form-urlencoded",
            },
            body: form.toString(),
          });
          jar.store(url, res);
        } else {
          await res.body?.cancel();
        }
      }
      throw new Error("no way back to the app");
    }

    try {
      await t.step("a real sign-in lands on next; the redirect URI ignores the Host", async () => {
        const res = await signIn("/admin?tab=1", { host: "evil.example" });
        assert.equal(res.status, 303, await res.clone().text());
        assert.equal(res.headers.get("location"), "/admin?tab=1");
        assert.ok(res.headers.getSetCookie().some((c) => c.startsWith("pulse_token=")));
        const start = await app.request(`${APP}/sign-in/oidc`, {
          redirect: "manual",
          headers: { host: "evil.example", "x-forwarded-host": "evil.example" },
        });
        const authorize = new URL(start.headers.get("location")!);
        assert.equal(authorize.searchParams.get("redirect_uri"), REDIRECT_URI);
      });

      await t.step("hostile next through the whole flow: the admin's start page", async () => {
        for (const next of HOSTILE_NEXT.filter((n) => !n.includes("\0"))) {
          const res = await signIn(next);
          assert.equal(res.status, 303, JSON.stringify(next));
          assert.equal(res.headers.get("location"), "/admin", JSON.stringify(next));
        }
      });

      const refused = async (label: string, tamper: Tamper, logged: RegExp) => {
        provider.state.tamper = tamper;
        lines.length = 0;
        try {
          const res = await signIn("/admin");
          assert.equal(res.status, 401, `${label}: ${await res.clone().text()}`);
          assert.equal(
            res.headers.getSetCookie().some((c) => c.startsWith("pulse_token=")),
            false,
            label,
          );
          const line = lines.find((l) => l.includes("oidc sign-in refused"));
          assert.ok(line, `${label}: logged`);
          assert.match(line, logged, label);
          assert.doesNotMatch(line, new RegExp(CLIENT_SECRET), label);
        } finally {
          provider.state.tamper = null;
        }
      };

      await t.step("an ID token signed with a foreign key is refused", async () => {
        // Unknown kid: the key set is fetched again, and still has no such key.
        await refused("foreign kid", (p) => foreign.sign(p), /key|kid|JWKS/i);
        // The provider's kid, another key's signature.
        await refused(
          "provider kid, foreign signature",
          (p) => foreign.sign(p, signing.kid),
          /signature/i,
        );
      });

      await t.step("iat an hour in the future, nbf ahead, exp past: refused", async () => {
        const now = Math.floor(Date.now() / 1000);
        await refused(
          "future iat",
          (p) => signing.sign({ ...p, iat: now + 3600, exp: now + 7200 }),
          /iat/,
        );
        await refused(
          "nbf ahead",
          (p) => signing.sign({ ...p, nbf: now + 600 }),
          /nbf|not before/i,
        );
        await refused("exp past", (p) => signing.sign({ ...p, exp: now - 120 }), /exp/);
      });

      await t.step(
        "a token re-signed by the provider's own key within the skew is fine",
        async () => {
          const now = Math.floor(Date.now() / 1000);
          provider.state.tamper = (p) => signing.sign({ ...p, iat: now + 30 });
          try {
            const res = await signIn("/admin");
            assert.equal(res.status, 303);
          } finally {
            provider.state.tamper = null;
          }
        },
      );

      await t.step("a failed discovery answers 503 and is logged with the reason", async () => {
        const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const port = (closed.addr as Deno.NetAddr).port;
        closed.close();
        const down = createApp({
          sql: db.sql,
          config: config(`http://127.0.0.1:${port}`),
          settings: shipped,
        }, {
          log: false,
        });
        lines.length = 0;
        const res = await down.request(`${APP}/sign-in/oidc`, { redirect: "manual" });
        assert.equal(res.status, 503);
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 50));
        const line = lines.find((l) => l.includes("oidc discovery failed"));
        assert.ok(line, lines.join("\n"));
        const record = JSON.parse(line);
        assert.equal(record.issuer, `http://127.0.0.1:${port}`);
        assert.ok(record.reason.length > 0);
        assert.doesNotMatch(line, new RegExp(CLIENT_SECRET));
      });
    } finally {
      restore();
      await db.close();
      await provider.close();
    }
  },
});
