/**
 * Fuzz of every route in the OpenAPI document (read from the app, so new routes are covered):
 * generated bad input (fast-check) in path, query and body, with no token and with a valid token
 * of each role. Asserts: no 5xx, a refused request writes no row in any analytics table, and the
 * hostile-only round leaves every table exactly as it was. Prints requests sent and statuses seen.
 *
 * PULSE_FUZZ_RUNS (default 60) sets the runs per route and round; PULSE_FUZZ_SEED replays a seed.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { ROLES } from "../lib/auth.ts";
import { MAX_BODY_BYTES } from "../app.ts";
import { startTestApp, type TestApp } from "./harness.ts";

const RUNS = Number(Deno.env.get("PULSE_FUZZ_RUNS") ?? 60);
const SEED = Number(Deno.env.get("PULSE_FUZZ_SEED") || Math.floor(Math.random() * 2 ** 31));

// deno-lint-ignore no-explicit-any -- JSON Schema objects from the OpenAPI document
type Schema = any;
interface Operation {
  method: string;
  path: string;
  params: { name: string; in: "path" | "query"; schema: Schema }[];
  body: Schema | null;
}

interface FuzzRequest {
  role: (typeof ROLES)[number] | "none" | "bad-token";
  pathValues: Record<string, string>;
  query: [string, string][];
  body: { kind: "none" } | { kind: "raw"; text: string; contentType: string | null };
  note: string;
}

// ---- hostile values -----------------------------------------------------------------------

const LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"];

/** A string Postgres cannot store: a NUL or an unpaired surrogate somewhere in it. */
const poisonString = fc.tuple(
  fc.string({ maxLength: 20 }),
  fc.constantFrom("\0", ...LONE_SURROGATES, "a\0", "\ud83d"),
  fc.string({ maxLength: 20 }),
).map(([a, p, b]) => a + p + b);

/** Odd but storable values: wrong types, edge numbers, odd timestamps and texts. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "0000-01-01T00:00:00Z",
    "2026-11-02T09:00:00+16:00",
    "2026-11-02T09:00:00-23:59",
    "2026-02-30T00:00:00Z",
    "9999-12-31T23:59:59-15:59",
    "3026-01-01T00:00:00Z",
    "yesterday",
    "NaN",
    "Infinity",
    "-1",
    "1e309",
    "'; drop table analytics.learners; --",
    "../../etc/passwd",
    "%00",
    "\\u0000",
    "00000000-0000-0000-0000-000000000000",
    "__proto__",
    "constructor",
    "x".repeat(5000),
  ),
  fc.constantFrom(null, true, false, 0, -0, -1, 101, 1e308, -1e308, 2 ** 53 + 1, 0.1 + 0.2),
  fc.double(),
  fc.integer(),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constant([]),
  fc.constant({}),
  fc.dictionary(fc.constantFrom("__proto__", "constructor", "a", ""), fc.integer(), {
    maxKeys: 3,
  }),
);

/** JSON text nested `depth` levels deep. */
const deepJson = fc.tuple(fc.integer({ min: 65, max: 30_000 }), fc.boolean()).map((
  [depth, objects],
) =>
  objects ? '{"a":'.repeat(depth) + "1" + "}".repeat(depth) : "[".repeat(depth) + "]".repeat(depth)
);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A value as a query or path string. */
function text(value: unknown): string {
  return value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Bytes for a percent-encoded URL part, keeping NUL and lone surrogates (as WTF-8) intact. */
function encodePart(value: string): string {
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else out += encodeURIComponent(ch);
  }
  return out;
}

// ---- schema-guided values -------------------------------------------------------------------

function resolve(doc: Schema, schema: Schema): Schema {
  let s = schema;
  while (s && s.$ref) s = s.$ref.split("/").slice(1).reduce((o: Schema, k: string) => o[k], doc);
  return s ?? {};
}

/** Values that (mostly) satisfy `schema`: the base that mutations then spoil. */
function arbitraryOf(doc: Schema, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (depth > 6) return fc.constant(null);
  const options = s.anyOf ?? s.oneOf;
  if (options) return fc.oneof(...options.map((o: Schema) => arbitraryOf(doc, o, depth + 1)));
  if (s.enum) return fc.constantFrom(...s.enum);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  switch (type) {
    case "string":
      if (s.format === "uuid") return fc.uuid();
      if (s.format === "date-time") {
        return fc.date({ min: new Date("2020-01-01"), max: new Date(), noInvalidDate: true })
          .map((d) => d.toISOString());
      }
      return fc.string({ minLength: Math.max(1, s.minLength ?? 0), maxLength: 20 });
    case "number":
    case "integer": {
      const min = s.minimum ?? -1000;
      const max = s.maximum ?? 1000;
      return type === "integer"
        ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
        : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(arbitraryOf(doc, s.items ?? {}, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
    case "object": {
      const props: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        props[k] = arbitraryOf(doc, v, depth + 1);
      }
      const base = fc.record(props, { requiredKeys: s.required ?? [] });
      if (s.additionalProperties && typeof s.additionalProperties === "object") {
        return fc.tuple(
          base,
          fc.dictionary(
            fc.string({ minLength: 1, maxLength: 12 }),
            arbitraryOf(doc, s.additionalProperties, depth + 1),
            { maxKeys: 3 },
          ),
        ).map(([a, b]) => ({ ...b, ...a }));
      }
      return base;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Every [path] inside a JSON value (the root included), for mutations. */
function pathsOf(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  }
  return out;
}

function replaceAt(value: unknown, path: (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = next;
  return copy;
}

/** A base value with one node replaced by `bad`, or one key renamed to a poisoned key. */
function mutated(base: fc.Arbitrary<unknown>, bad: fc.Arbitrary<unknown>, poisonKeys: boolean) {
  return fc.tuple(base, fc.nat(), bad, fc.boolean(), poisonString).map(
    ([value, pick, replacement, asKey, key]) => {
      const paths = pathsOf(value);
      const path = paths[pick % paths.length];
      if (poisonKeys && asKey && path.length > 0) {
        const parent = path.slice(0, -1);
        const holder = parent.reduce(
          (o: Record<string | number, unknown>, k) => o[k] as Record<string | number, unknown>,
          value as Record<string | number, unknown>,
        );
        if (holder && typeof holder === "object" && !Array.isArray(holder)) {
          return replaceAt(value, parent, { ...holder, [key]: replacement });
        }
      }
      return replaceAt(value, path, replacement);
    },
  );
}

// ---- requests --------------------------------------------------------------------------------

function requestArbitrary(
  doc: Schema,
  op: Operation,
  known: { userId: string; sessionId: string },
  hostileOnly: boolean,
): fc.Arbitrary<FuzzRequest> {
  const role = fc.constantFrom<FuzzRequest["role"]>("none", "bad-token", ...ROLES);
  const pathParams = op.params.filter((p) => p.in === "path");
  const queryParams = op.params.filter((p) => p.in === "query");
  const goodPath = (name: string) =>
    fc.constantFrom(/user/i.test(name) ? known.userId : known.sessionId, crypto.randomUUID());
  const anyString = fc.oneof(poisonString, oddValue.map(text), fc.uuid());
  const pathValues = (bad: boolean) =>
    fc.record(Object.fromEntries(pathParams.map((p) => [
      p.name,
      bad ? poisonString : fc.oneof({ weight: 3, arbitrary: goodPath(p.name) }, {
        weight: 1,
        arbitrary: anyString,
      }),
    ]))) as fc.Arbitrary<Record<string, string>>;
  const queryValue = (p: Operation["params"][number]) =>
    fc.oneof(
      arbitraryOf(doc, p.schema).map(text),
      oddValue.map(text),
      poisonString,
    );
  type Pairs = [string, string][];
  const declared: fc.Arbitrary<Pairs> = fc.subarray(queryParams).chain((ps) =>
    ps.length
      ? fc.tuple(...ps.map((p) => queryValue(p).map((v): [string, string] => [p.name, v])))
      : fc.constant([])
  );
  const poisonedPair: fc.Arbitrary<Pairs> = fc.tuple(
    fc.oneof(poisonString, fc.constantFrom(...queryParams.map((p) => p.name), "x")),
    poisonString,
  ).map((kv) => [kv]);
  const extraPairs: fc.Arbitrary<Pairs> = fc.array(
    fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })),
    { maxLength: 2 },
  );
  const query = (poison: boolean): fc.Arbitrary<Pairs> =>
    fc.tuple(declared, poison ? poisonedPair : extraPairs).map(([a, b]) => [...a, ...b]);

  const bodyBase = op.body ? arbitraryOf(doc, op.body) : fc.jsonValue({ maxDepth: 2 });
  const json = (value: unknown, contentType: string | null = "application/json") => ({
    kind: "raw" as const,
    text: JSON.stringify(value) ?? "null",
    contentType,
  });
  const poisonedBody = mutated(bodyBase, poisonString, true).map((v) => json(v));
  const hostileBodies = fc.oneof(
    { weight: 6, arbitrary: poisonedBody },
    {
      weight: 2,
      arbitrary: deepJson.map((text) => ({
        kind: "raw" as const,
        text,
        contentType: "application/json",
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(
        bodyBase,
        fc.constantFrom(
          "text/plain",
          "application/xml",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          null,
        ),
      ).map(([v, type]) => json(v, type)),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom("{", "[1,", '{"a":}', "nul", "\u0000", '"\\ud800"', "{}}", "\ufeff{"),
        // Random text that is not JSON (a BOM in front is allowed, as decoders drop it; a BOM
        // alone is an empty body, which a route without a request body rightly accepts).
        fc.string({ maxLength: 40 }).filter((text) => {
          const decoded = text.replace(/^\ufeff/, "");
          return decoded !== "" && !isJson(decoded);
        }),
      ).map((text) => ({ kind: "raw" as const, text, contentType: "application/json" })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({
        kind: "raw" as const,
        text: " ".repeat(MAX_BODY_BYTES + 1),
        contentType: "application/json",
      }),
    },
  );
  const oddBodies = fc.oneof(
    mutated(bodyBase, oddValue, false).map((v) => json(v)),
    bodyBase.map((v) => json(v)),
    fc.constant({ kind: "none" as const }),
  );

  // Requests without a body (GET/DELETE as fetch sends them) get none.
  const canHaveBody = op.method !== "GET" && op.method !== "HEAD";
  if (!hostileOnly) {
    return fc.record({
      role,
      pathValues: pathValues(false),
      query: query(false),
      body: canHaveBody ? oddBodies : fc.constant({ kind: "none" as const }),
      note: fc.constant("odd"),
    });
  }
  // Hostile round: at least one part is something no route may accept.
  const where: ("path" | "query" | "body")[] = [
    ...(pathParams.length ? ["path" as const] : []),
    "query",
    ...(canHaveBody ? ["body" as const] : []),
  ];
  return fc.constantFrom(...where).chain((part) =>
    fc.record({
      role,
      pathValues: pathValues(part === "path"),
      query: query(part === "query"),
      body: part === "body"
        ? hostileBodies
        : canHaveBody
        ? fc.oneof(oddBodies, fc.constant({ kind: "none" as const }))
        : fc.constant({ kind: "none" as const }),
      note: fc.constant(`hostile ${part}`),
    })
  );
}

function urlOf(op: Operation, req: FuzzRequest): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name) => encodePart(req.pathValues[name] ?? ""));
  const query = req.query.map(([k, v]) => `${encodePart(k)}=${encodePart(v)}`).join("&");
  return `http://localhost${path}${query ? `?${query}` : ""}`;
}

// ---- the test ----------------------------------------------------------------------------------

async function totalRows(t: TestApp): Promise<number> {
  const tables = await t.db.sql<{ name: string }[]>`
    select format('%I.%I', schemaname, tablename) as name from pg_tables
    where schemaname = 'analytics' order by 1`;
  const [{ n }] = await t.db.sql.unsafe<{ n: number }[]>(
    `select (${tables.map((t) => `(select count(*) from ${t.name})`).join(" + ")})::int as n`,
  );
  return n;
}

async function perTable(t: TestApp): Promise<string> {
  const tables = await t.db.sql<{ name: string }[]>`
    select format('%I.%I', schemaname, tablename) as name from pg_tables
    where schemaname = 'analytics' order by 1`;
  const counts = [];
  for (const { name } of tables) {
    const [{ n }] = await t.db.sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from ${name}`,
    );
    counts.push(`${name}=${n}`);
  }
  return counts.join(" ");
}

function operationsOf(doc: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Schema>)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p: Schema) => resolve(doc, p))
          .filter((p: Schema) => p.in === "path" || p.in === "query"),
        body: op.requestBody?.content?.["application/json"]?.schema ?? null,
      });
    }
  }
  if (!ops.some((o) => o.path === "/api/openapi.json")) {
    ops.push({ method: "GET", path: "/api/openapi.json", params: [], body: null });
  }
  return ops;
}

Deno.test("fuzz: every route in the OpenAPI document, bad input of every kind", async () => {
  const t = await startTestApp();
  try {
    // Known rows, so path parameters sometimes name a real learner and session.
    const userId = crypto.randomUUID();
    const sessionId = crypto.randomUUID();
    const service = await t.token("service");
    const seeded = await t.call("POST", `/api/sessions/${sessionId}/events`, {
      token: service,
      body: {
        user_id: userId,
        scenario_id: "fuzz",
        answers: [{
          answer_id: "a1",
          ts: "2026-11-02T09:00:00Z",
          pulse_step: "lead",
          scores: { communication: 70, probe: 55 },
        }],
      },
    });
    assert.equal(seeded.status, 200);
    const doc = (await t.call("GET", "/api/openapi.json")).body;
    const operations = operationsOf(doc);
    assert.ok(operations.length >= 9, `only ${operations.length} operations in the document`);
    const tokens: Record<string, string | null> = { none: null, "bad-token": "not.a.jwt" };
    for (const role of ROLES) {
      tokens[role] = await t.token(role, role === "learner" ? userId : undefined);
    }

    const statuses = new Map<string, Map<number, number>>();
    let sent = 0;
    const send = async (op: Operation, req: FuzzRequest) => {
      const headers: Record<string, string> = {};
      const token = tokens[req.role];
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (req.body.kind === "raw") {
        body = req.body.text;
        if (req.body.contentType) headers["content-type"] = req.body.contentType;
      }
      const before = await totalRows(t);
      const res = await t.app.request(urlOf(op, req), { method: op.method, headers, body });
      const text = await res.text();
      sent++;
      const key = `${op.method} ${op.path}`;
      const seen = statuses.get(key) ?? new Map<number, number>();
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      statuses.set(key, seen);
      assert.ok(
        res.status < 500,
        `${key} (${req.note}, role ${req.role}) → ${res.status}: ${text} (PULSE_FUZZ_SEED=${SEED})`,
      );
      if (res.status >= 400 || req.note.startsWith("hostile")) {
        const after = await totalRows(t);
        assert.equal(
          after,
          before,
          `${key} (${req.note}, role ${req.role}) → ${res.status} wrote rows: ${urlOf(op, req)} ${
            JSON.stringify(req.body).slice(0, 400)
          }`,
        );
      }
      return res.status;
    };

    // Round 1: only hostile input. Every analytics table must end exactly as it began.
    const baseline = await totalRows(t);
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(doc, op, { userId, sessionId }, true), async (req) => {
          await send(op, req);
        }),
        { numRuns: RUNS, seed: SEED + operations.indexOf(op), endOnFailure: true },
      );
    }
    const hostileSent = sent;
    assert.equal(
      await totalRows(t),
      baseline,
      `hostile input wrote rows (PULSE_FUZZ_SEED=${SEED}): ${await perTable(t)}`,
    );

    // Round 2: odd but storable values (wrong types, edge numbers, odd timestamps): never a 5xx,
    // and whatever is refused writes nothing.
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(doc, op, { userId, sessionId }, false), async (req) => {
          await send(op, req);
        }),
        { numRuns: RUNS, seed: SEED + operations.indexOf(op), endOnFailure: true },
      );
    }

    const lines = [...statuses].map(([route, seen]) =>
      `  ${route}: ${[...seen].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ")}`
    );
    console.log(
      `fuzz (PULSE_FUZZ_SEED=${SEED}): ${sent} requests (${hostileSent} hostile, ${
        sent - hostileSent
      } odd) over ${operations.length} operations, no 5xx, refused requests wrote nothing\n${
        lines.join("\n")
      }`,
    );
  } finally {
    await t.close();
  }
});
