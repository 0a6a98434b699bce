/**
 * Postgres wire-protocol server in front of one PGlite instance, safe for several clients.
 *
 * PGlite is a single session. Clients take turns by whole protocol cycles: a client holds the
 * session from its first message until the database answers ReadyForQuery with status idle
 * (`I`), so a transaction, or an extended-protocol Parse…Sync, is never interleaved with another
 * client's messages. Each client's unnamed statement is replayed when another client replaced it
 * between two of its cycles (drivers such as lib/pq parse in one cycle and bind in the next).
 * A client that keeps the session idle for too long, or disconnects while holding it, is cut
 * off and its open transaction rolled back, so one stuck client cannot stall the others.
 */
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

export interface WireServerOptions {
  /** Longest a client may hold the session without sending anything (ms). */
  idleHoldMs?: number;
  /**
   * Password every client must give (cleartext password authentication: the socket is loopback
   * only, so it never crosses a network). Other OS users can reach a loopback port; only this user
   * can read the password (see embedded.ts). Unset: no authentication (tests of the protocol).
   */
  password?: string;
}

export interface WireServer {
  /** host:port the server listens on (loopback). */
  address: string;
  stats(): { clients: number; waiting: number };
  stop(): Promise<void>;
}

class Client {
  buffer: Uint8Array = new Uint8Array(0);
  started = false;
  closed = false;
  /** Last Parse of the unnamed statement, replayed when another client replaced it. */
  unnamedParse: Uint8Array | null = null;
  holdTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bytes of a server message still to skip when scanning output for ReadyForQuery. */
  outCarry: Uint8Array = new Uint8Array(0);
  /** The startup message, held back until the client's password is checked. */
  pendingStartup: Uint8Array | null = null;
  constructor(readonly id: number, readonly conn: Deno.Conn) {}
}

/** Starts the server on 127.0.0.1 (port 0: a free one). */
export function startWireServer(
  db: PGlite,
  options: WireServerOptions & { port?: number } = {},
): WireServer {
  const idleHoldMs = options.idleHoldMs ?? 60_000;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: options.port ?? 0 });
  const clients = new Set<Client>();
  let nextId = 1;
  let owner: Client | null = null;
  const waiters: { client: Client; resume: () => void }[] = [];
  /** The client whose Parse created the session's current unnamed statement. */
  let unnamedOf: Client | null = null;
  let stopping = false;

  async function acquire(client: Client) {
    if (owner === client) return;
    if (owner === null) {
      owner = client;
      return;
    }
    await new Promise<void>((resume) => waiters.push({ client, resume }));
  }

  function release(client: Client) {
    if (owner !== client) return;
    clearTimeout(client.holdTimer);
    const next = waiters.shift();
    owner = next ? next.client : null;
    next?.resume();
  }

  async function exec(message: Uint8Array): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    await db.runExclusive(() =>
      db.execProtocolRawStream(message, { onRawData: (data) => parts.push(data.slice()) })
    );
    return concat(parts);
  }

  /** Scans server output for ReadyForQuery; returns its last status byte, or null. */
  function readyStatus(client: Client, out: Uint8Array): string | null {
    const data = concat([client.outCarry, out]);
    let status: string | null = null;
    let i = 0;
    while (i + 5 <= data.length) {
      const length = new DataView(data.buffer, data.byteOffset + i + 1, 4).getInt32(0);
      if (i + 1 + length > data.length) break;
      if (data[i] === 0x5a && length === 5) status = String.fromCharCode(data[i + 5]);
      i += 1 + length;
    }
    client.outCarry = data.slice(i);
    return status;
  }

  async function send(client: Client, bytes: Uint8Array) {
    if (bytes.length === 0 || client.closed) return;
    try {
      let written = 0;
      while (written < bytes.length) written += await client.conn.write(bytes.subarray(written));
    } catch {
      client.closed = true;
    }
  }

  async function handle(client: Client, message: Uint8Array) {
    const type = message[0];
    if (client.started && type === 0x58) { // Terminate
      client.closed = true;
      return;
    }
    await acquire(client);
    if (client.closed) return release(client);
    let out: Uint8Array;
    if (client.started && type === 0x50 && statementName(message, 5) === "") { // Parse ""
      client.unnamedParse = message.slice();
      unnamedOf = client;
      out = await exec(message);
    } else if (client.started && type === 0x42 && unnamedOf !== client) { // Bind
      const portalEnd = message.indexOf(0, 5);
      if (statementName(message, portalEnd + 1) === "" && client.unnamedParse) {
        // Another client replaced our unnamed statement: re-create it, hide its ParseComplete.
        const parsed = await exec(client.unnamedParse);
        unnamedOf = client;
        out = parsed[0] === 0x31 ? await exec(message) : concat([parsed, await exec(message)]);
      } else {
        out = await exec(message);
      }
    } else {
      out = await exec(message);
    }
    client.started = true;
    await send(client, out);
    const status = readyStatus(client, out);
    if (status === "I") release(client);
  }

  async function checkPassword(client: Client, message: Uint8Array) {
    const startup = client.pendingStartup!;
    client.pendingStartup = null;
    const given = message[0] === 0x70 ? message.subarray(5, Math.max(5, message.length - 1)) : null;
    if (!given || !sameBytes(given, new TextEncoder().encode(options.password!))) {
      await send(client, passwordRefused());
      client.closed = true;
      return;
    }
    client.started = false;
    await handle(client, startup);
  }

  async function drop(client: Client) {
    client.closed = true;
    clients.delete(client);
    clearTimeout(client.holdTimer);
    const waiting = waiters.findIndex((w) => w.client === client);
    if (waiting >= 0) waiters.splice(waiting, 1);
    try {
      client.conn.close();
    } catch { /* closed already */ }
    if (owner === client) {
      // Finish a half-sent extended cycle, then roll back what the client left open.
      try {
        await exec(SYNC);
        if (db.isInTransaction()) await db.exec("ROLLBACK");
      } catch { /* database closing */ }
      if (unnamedOf === client) unnamedOf = null;
      release(client);
    }
  }

  async function serve(client: Client) {
    const reader = client.conn.readable.getReader();
    try {
      while (!client.closed) {
        const { value, done } = await reader.read();
        if (done) break;
        clearTimeout(client.holdTimer);
        client.buffer = concat([client.buffer, value]);
        for (;;) {
          const message = nextMessage(client);
          if (message === null) break;
          if (message === "ssl") await send(client, new TextEncoder().encode("N"));
          else if (message === "cancel") client.closed = true;
          else if (client.pendingStartup) await checkPassword(client, message);
          else if (!client.started && options.password !== undefined) {
            // Ask for the password first; the startup message reaches PGlite only after it.
            client.pendingStartup = message;
            client.started = true; // what follows is typed messages
            await send(client, AUTH_CLEARTEXT);
          } else await handle(client, message);
          if (client.closed) break;
        }
        if (owner === client && !client.closed) {
          client.holdTimer = setTimeout(() => void drop(client), idleHoldMs);
        }
      }
    } catch { /* connection reset */ }
    await drop(client);
  }

  (async () => {
    for await (const conn of listener) {
      if (stopping) {
        conn.close();
        continue;
      }
      conn.setNoDelay(true);
      const client = new Client(nextId++, conn);
      clients.add(client);
      void serve(client);
    }
  })().catch(() => {});

  const addr = listener.addr as Deno.NetAddr;
  return {
    address: `${addr.hostname}:${addr.port}`,
    stats: () => ({ clients: clients.size, waiting: waiters.length }),
    async stop() {
      stopping = true;
      try {
        listener.close();
      } catch { /* closed */ }
      await Promise.all([...clients].map((c) => drop(c)));
    },
  };
}

/** AuthenticationCleartextPassword. */
const AUTH_CLEARTEXT = new Uint8Array([0x52, 0, 0, 0, 8, 0, 0, 0, 3]);

/** ErrorResponse FATAL 28P01, as a server answers a wrong password. */
function passwordRefused(): Uint8Array {
  const fields = ["SFATAL", "VFATAL", "C28P01", "Mpassword authentication failed"]
    .map((f) => `${f}\0`).join("") + "\0";
  const body = new TextEncoder().encode(fields);
  const out = new Uint8Array(5 + body.length);
  out[0] = 0x45;
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

/** Compares in time independent of where the bytes differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function statementName(message: Uint8Array, start: number): string {
  const end = message.indexOf(0, start);
  return new TextDecoder().decode(message.subarray(start, end < 0 ? start : end));
}

/** Cuts the next complete message off the client's buffer (startup messages have no type). */
function nextMessage(client: Client): Uint8Array | "ssl" | "cancel" | null {
  const buf = client.buffer;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let length: number;
  if (!client.started) {
    if (buf.length < 8) return null;
    length = view.getInt32(0);
    const code = view.getInt32(4);
    if (buf.length < length) return null;
    client.buffer = buf.slice(length);
    if (code === SSL_REQUEST) return "ssl";
    if (code === CANCEL_REQUEST) return "cancel";
    if (code !== PROTOCOL_3) {
      client.closed = true;
      return null;
    }
    return buf.slice(0, length);
  }
  if (buf.length < 5) return null;
  length = 1 + view.getInt32(1);
  if (buf.length < length) return null;
  client.buffer = buf.slice(length);
  return buf.slice(0, length);
}
