import assert from "node:assert/strict";
import { createClient } from "./client.ts";
import { startEmbedded } from "./embedded.ts";

/** A raw wire-protocol client, to drive the exact message sequences other drivers send. */
async function rawClient(address: string, password?: string) {
  const [hostname, port] = address.split(":");
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const enc = new TextEncoder();
  let buffer = new Uint8Array(0);
  const reader = conn.readable.getReader();
  const msg = (type: string, body: Uint8Array) => {
    const out = new Uint8Array(5 + body.length);
    out[0] = type.charCodeAt(0);
    new DataView(out.buffer).setInt32(1, 4 + body.length);
    out.set(body, 5);
    return out;
  };
  const cstr = (s: string) => enc.encode(s + "\0");
  const join = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) (out.set(p, o), o += p.length);
    return out;
  };
  /** Reads messages until ReadyForQuery; returns them as [type, body] pairs. */
  async function untilReady() {
    const seen: [string, Uint8Array][] = [];
    for (;;) {
      while (buffer.length >= 5) {
        const len = new DataView(buffer.buffer, buffer.byteOffset).getInt32(1);
        if (buffer.length < 1 + len) break;
        const type = String.fromCharCode(buffer[0]);
        seen.push([type, buffer.slice(5, 1 + len)]);
        buffer = buffer.slice(1 + len);
        if (type === "Z") return seen;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("closed");
      buffer = join(buffer, value);
    }
  }
  const startup = join(
    new Uint8Array(8),
    cstr("user"),
    cstr("postgres"),
    cstr("database"),
    cstr("postgres"),
    new Uint8Array([0]),
  );
  new DataView(startup.buffer).setInt32(0, startup.length);
  new DataView(startup.buffer).setInt32(4, 196608);
  await conn.write(startup);
  if (password !== undefined) {
    // AuthenticationCleartextPassword (R, 8, 3), then the password message.
    while (buffer.length < 9) {
      const { value, done } = await reader.read();
      if (done) throw new Error("closed");
      buffer = join(buffer, value);
    }
    assert.equal(String.fromCharCode(buffer[0]), "R");
    buffer = buffer.slice(9);
    await conn.write(msg("p", cstr(password)));
  }
  await untilReady();
  const int16 = (n: number) => new Uint8Array([n >> 8, n & 255]);
  return {
    /** Parse of the unnamed statement, then Sync (lib/pq's first cycle). */
    async parse(query: string) {
      await conn.write(
        join(msg("P", join(cstr(""), cstr(query), int16(0))), msg("S", new Uint8Array())),
      );
      return await untilReady();
    },
    /** Bind + Execute of the unnamed statement without parameters, then Sync (second cycle). */
    async bindExecute() {
      const bind = join(cstr(""), cstr(""), int16(0), int16(0), int16(0));
      const execute = join(cstr(""), new Uint8Array(4));
      await conn.write(join(msg("B", bind), msg("E", execute), msg("S", new Uint8Array())));
      const seen = await untilReady();
      const row = seen.find(([t]) => t === "D");
      if (!row) return { error: seen.find(([t]) => t === "E") ? "error" : "no row" };
      const len = new DataView(row[1].buffer, row[1].byteOffset).getInt32(2);
      return { value: new TextDecoder().decode(row[1].slice(6, 6 + len)) };
    },
    close: () => conn.close(),
  };
}

Deno.test("embedded socket: clients take turns by transaction, never interleaved", async () => {
  const db = await startEmbedded("memory://");
  const a = createClient(db.url, { max: 1, prepare: false });
  const b = createClient(db.url, { max: 1, prepare: false });
  try {
    await a`create table t (n int)`;
    let bSawUncommitted = false;
    const tx = a.begin(async (tx) => {
      await tx`insert into t values (1)`;
      await new Promise((r) => setTimeout(r, 300));
      await tx`insert into t values (2)`;
    });
    await new Promise((r) => setTimeout(r, 50));
    // b waits for a's transaction to end: it sees both rows or none, never half of it.
    const [{ n }] = await b`select count(*)::int as n from t`;
    bSawUncommitted = n === 1;
    await tx;
    assert.equal(bSawUncommitted, false);
    assert.equal(n, 2);
    // Many clients at once, each in its own transactions: every row arrives, none twice.
    const clients = Array.from(
      { length: 4 },
      () => createClient(db.url, { max: 1, prepare: false }),
    );
    await Promise.all(
      clients.map((c, i) =>
        Promise.all(Array.from({ length: 10 }, (_, j) =>
          c.begin(async (tx) => {
            await tx`insert into t values (${100 + i * 10 + j})`;
            await tx`select pg_sleep(0)`;
          })))
      ),
    );
    const [{ total }] = await a`select count(distinct n)::int as total from t where n >= 100`;
    assert.equal(total, 40);
    await Promise.all(clients.map((c) => c.end()));
  } finally {
    await a.end();
    await b.end();
    await db.stop();
  }
});

Deno.test("embedded socket: a client's unnamed statement survives another client's Parse", async () => {
  const db = await startEmbedded("memory://");
  const { host: hostPort, password } = new URL(db.url);
  const one = await rawClient(hostPort, password);
  const two = await rawClient(hostPort, password);
  try {
    await one.parse("select 'one'::text");
    await two.parse("select 'two'::text");
    assert.deepEqual(await one.bindExecute(), { value: "one" });
    assert.deepEqual(await two.bindExecute(), { value: "two" });
  } finally {
    one.close();
    two.close();
    await db.stop();
  }
});

Deno.test("embedded socket: a client gone mid-transaction is rolled back, others go on", async () => {
  const db = await startEmbedded("memory://");
  const a = createClient(db.url, { max: 1, prepare: false });
  try {
    await a`create table t (n int)`;
    const { host: hostPort, password } = new URL(db.url);
    const raw = await rawClient(hostPort, password);
    await raw.parse("begin");
    await raw.bindExecute();
    await raw.parse("insert into t values (1)");
    await raw.bindExecute();
    raw.close(); // leaves without commit while holding the session
    const [{ n }] = await a`select count(*)::int as n from t`;
    assert.equal(n, 0);
    assert.equal(db.stats().clients, 1);
  } finally {
    await a.end();
    await db.stop();
  }
});

Deno.test("embedded socket: a client holding the session idle is cut off and rolled back", async () => {
  const { PGlite } = await import("@electric-sql/pglite");
  const { startWireServer } = await import("./wire_server.ts");
  const pglite = await PGlite.create();
  const server = startWireServer(pglite, { idleHoldMs: 300 });
  const url = `postgres://postgres@${server.address}/postgres?sslmode=disable`;
  const a = createClient(url, { max: 1, prepare: false });
  try {
    await a`create table t (n int)`;
    const raw = await rawClient(server.address);
    await raw.parse("begin");
    await raw.bindExecute();
    await raw.parse("insert into t values (1)");
    await raw.bindExecute();
    // raw now sits in its transaction; a's query waits at most the idle limit, then runs.
    const t0 = performance.now();
    const [{ n }] = await a`select count(*)::int as n from t`;
    assert.equal(n, 0);
    assert.ok(performance.now() - t0 < 5_000);
    raw.close();
  } finally {
    await a.end();
    await server.stop();
    await pglite.close();
  }
});

Deno.test("embedded socket: a per-start password; a wrong or missing one is refused", async () => {
  const db = await startEmbedded("memory://");
  const other = await startEmbedded("memory://");
  const url = new URL(db.url);
  assert.match(url.password, /^[0-9a-f]{48}$/);
  assert.notEqual(url.password, new URL(other.url).password, "fresh per start");
  try {
    const good = createClient(db.url, { max: 1 });
    assert.deepEqual([...await good`select 1 as n`], [{ n: 1 }]);
    await good.end();
    for (const password of ["", "wrong", url.password.slice(1), `${url.password}x`]) {
      const bad = new URL(db.url);
      bad.password = password;
      const client = createClient(bad.href, { max: 1, connectTimeout: 5 });
      await assert.rejects(
        () => client`select 1`,
        (e: Error & { code?: string }) => e.code === "28P01" || /password/i.test(e.message),
        JSON.stringify(password),
      );
      await client.end();
    }
    // A raw client that skips the password gets no session.
    await assert.rejects(() => rawClient(url.host, "not-it"));
  } finally {
    await db.stop();
    await other.stop();
  }
});
