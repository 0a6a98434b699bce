import assert from "node:assert/strict";
import { recordLearnerA } from "../../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { createClient, type Queryable } from "../../db/client.ts";
import { rebuildReadiness } from "../write/recompute.ts";
import { DEFAULT_HISTORY } from "../sql.ts";
import { fillLearnerReads, type KeptRead, keptReadBody, readsBuilder } from "./kept_bodies.ts";
import { lookUpEachAlone, lookUpKept, MAX_LOOKUP } from "./kept_lookup.ts";
import { readinessBody } from "./readiness_body.ts";
import { readinessConfig, shipped } from "../../../tests/static_config.ts";

const LEARNERS = 12;

Deno.test("concurrent kept reads share a lookup statement and answer the kept text as stored", async (t) => {
  const db = await createTestDatabase();
  const embedded = db.kind === "embedded";
  const sent: string[] = [];
  const recording = createClient(db.url, {
    max: embedded ? 1 : 4,
    prepare: !embedded,
    // The app's statements (not the driver's own, e.g. its type lookup on a new connection).
    onQuery: (query) => /\banalytics\./.test(query) && sent.push(query),
  });
  const lookups = (table: string) =>
    sent.filter((q) => new RegExp(`from analytics\\.${table}\\b`).test(q));
  try {
    const ids = Array.from({ length: LEARNERS }, () => crypto.randomUUID());
    for (const id of ids) await recordLearnerA(db.sql, id);
    await rebuildReadiness(db.sql, { config: readinessConfig, trigger: "test" });
    await fillLearnerReads(db.sql, shipped, 100);
    const unknown = crypto.randomUUID();

    await t.step(
      "trends and coaching: the kept text, one statement for the waiting reads",
      async () => {
        for (const read of ["trends", "coaching_learner", "coaching_staff"] as KeptRead[]) {
          const now = Date.now();
          const kept = new Map(
            (await db.sql<{ user_id: string; body: string; tail: string | null }[]>`
            select user_id, body, tail from analytics.learner_reads
            where read = ${read} and builder = ${readsBuilder(shipped)}`).map((
              r,
            ) => [r.user_id, r]),
          );
          assert.equal(kept.size, LEARNERS);
          // One at a time: the answers of a statement each.
          const alone: (string | null)[] = [];
          for (const id of [...ids, unknown]) {
            alone.push(await keptReadBody(recording, id, read, shipped, now));
          }
          sent.length = 0;
          // All at once (upper case ids too, one learner twice).
          const asked = [...ids, ids[0].toUpperCase()];
          const together = await Promise.all(
            asked.map((id) => keptReadBody(recording, id, read, shipped, now)),
          );
          // The first read goes at once; the others wait for it and go together.
          assert.equal(lookups("learner_reads").length, 2, read);
          assert.deepEqual(together, [...alone.slice(0, LEARNERS), alone[0]]);
          // No build: every body was kept.
          assert.equal(sent.length, 2);
          // The body bytes are the kept text (coaching: with the projection computed in place).
          for (const [i, id] of ids.entries()) {
            const row = kept.get(id)!;
            if (read === "trends") assert.equal(together[i], row.body);
            else {
              assert.ok(together[i]!.startsWith(row.body), `${read} ${id}`);
              assert.ok(together[i]!.endsWith(row.tail!), `${read} ${id}`);
            }
          }
          // No build: every body was kept (the unknown learner's check is a statement of its own).
          // A learner who is not one: no kept row, so it is built (and found missing).
          assert.equal(alone[LEARNERS], null);
        }
      },
    );

    await t.step(
      "a large kept body stays in its row, compressed: no read goes to TOAST",
      async () => {
        // A trends body of the bench's learners is ~10 kB; the fixture's are small.
        const big = JSON.stringify({
          points: Array.from({ length: 600 }, (_, i) => ({ i, s: 50 + i })),
        });
        assert.ok(big.length > 8_000);
        await db.sql`
        update analytics.learner_reads set body = ${big} where user_id = ${
          ids[0]
        } and read = 'trends'`;
        const [{ toast }] = await db.sql<{ toast: string }[]>`
        select reltoastrelid::regclass::text as toast from pg_class
        where oid = 'analytics.learner_reads'::regclass`;
        const [{ n }] = await db.sql.unsafe<{ n: number }[]>(
          `select count(*)::int as n from ${toast}`,
        );
        assert.equal(n, 0);
        const [row] = await db.sql<{ stored: number; length: number }[]>`
        select pg_column_size(body) as stored, octet_length(body) as length
        from analytics.learner_reads where user_id = ${ids[0]} and read = 'trends'`;
        assert.ok(row.stored < row.length / 2, `${row.stored} of ${row.length} bytes`);
        assert.equal(await keptReadBody(db.sql, ids[0], "trends", shipped), big);
      },
    );

    await t.step(
      "readiness: the kept body as stored, one statement for the waiting reads",
      async () => {
        const kept = new Map(
          (await db.sql<{ user_id: string; body: string }[]>`
          select user_id, body from analytics.readiness_reads`).map((r) => [r.user_id, r.body]),
        );
        assert.equal(kept.size, LEARNERS);
        sent.length = 0;
        const bodies = await Promise.all(
          [...ids, ids[1].toUpperCase()].map((id) => readinessBody(recording, id, DEFAULT_HISTORY)),
        );
        assert.equal(lookups("readiness_reads").length, 2);
        assert.deepEqual(bodies, [...ids.map((id) => kept.get(id)), kept.get(ids[1])]);
        // Nothing built from the snapshots.
        assert.equal(sent.length, 2);
        // Another history length is built, one statement per read.
        sent.length = 0;
        await Promise.all(ids.slice(0, 3).map((id) => readinessBody(recording, id, 5)));
        assert.equal(lookups("readiness_reads").length, 0);
        assert.equal(sent.length, 3);
      },
    );

    await t.step(
      "a client whose reads look up alone (Citus): one statement per read, one learner each",
      async () => {
        lookUpEachAlone(recording);
        sent.length = 0;
        const bodies = await Promise.all(
          ids.map((id) => readinessBody(recording, id, DEFAULT_HISTORY)),
        );
        assert.equal(bodies.filter((b) => b !== null).length, LEARNERS);
        assert.equal(lookups("readiness_reads").length, LEARNERS);
        sent.length = 0;
        await Promise.all(ids.map((id) => keptReadBody(recording, id, "trends", shipped)));
        assert.equal(lookups("learner_reads").length, LEARNERS);
      },
    );
  } finally {
    await recording.end({ timeout: 5 });
    await db.close();
  }
});

Deno.test("a kept lookup never joins one already sent, and shares its failure only with its own reads", async () => {
  const client = {} as Queryable; // only a key here: the lookups below are plain functions
  const calls: string[][] = [];
  const running: (() => void)[] = [];
  const lookup = async (_: Queryable, ids: string[]) => {
    calls.push(ids);
    await new Promise<void>((resolve) => running.push(resolve));
    if (ids.includes(id(15))) throw new Error("unavailable");
    return ids.map((user_id) => ({ user_id, n: calls.length }));
  };
  /** Lets the running lookups end, then the ones they started run. */
  const settle = async () => {
    while (running.length) {
      running.splice(0).forEach((release) => release());
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  // Waits that no step of this test reaches: which reads go together is decided by the order alone.
  const look = (kind: string, u: string) => lookUpKept(client, kind, u, lookup, 600_000);
  const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
  const first = look("test", id(1));
  // Sent at once, alone; these arrive while it runs and go together, after it.
  const second = look("test", id(2));
  const third = look("test", id(3).toUpperCase());
  assert.deepEqual(calls, [[id(1)]]);
  running.shift()!();
  assert.deepEqual(await first, { user_id: id(1), n: 1 });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(calls, [[id(1)], [id(2), id(3)]]);
  // These wait for the second lookup; theirs fails, and only theirs.
  const failing = [id(15), id(4)].map((u) => look("test", u));
  const caught = failing.map((p) => p.catch((e: Error) => e.message));
  await settle();
  assert.deepEqual(await Promise.all([second, third]), [
    { user_id: id(2), n: 2 },
    { user_id: id(3), n: 2 },
  ]);
  assert.deepEqual(await Promise.all(caught), ["unavailable", "unavailable"]);
  assert.deepEqual(calls[2], [id(15), id(4)]);
  // Another kind: a lookup of its own. Not UUID text: a lookup of its own, at once.
  const other = look("other", id(5));
  const odd = look("test", "not-a-uuid");
  assert.deepEqual(calls.slice(3), [[id(5)], ["not-a-uuid"]]);
  await settle();
  await Promise.all([other, odd]);
  // At most MAX_LOOKUP learners in one statement; a full one goes without waiting.
  const pending = Array.from({ length: MAX_LOOKUP + 2 }, (_, i) => look("many", id(100 + i)));
  assert.deepEqual(calls.slice(5).map((c) => c.length), [1, MAX_LOOKUP]);
  await settle();
  await Promise.all(pending);
  assert.deepEqual(calls.slice(5).map((c) => c.length), [1, MAX_LOOKUP, 1]);
});

Deno.test("a read behind a lookup that does not end gets a lookup of its own", async () => {
  const client = {} as Queryable;
  const calls: string[][] = [];
  let hung: () => void = () => {};
  const lookup = async (_: Queryable, ids: string[]) => {
    calls.push(ids);
    // The first lookup hangs (a database that stopped answering); the next ones answer.
    if (calls.length === 1) await new Promise<void>((resolve) => (hung = resolve));
    return ids.map((user_id) => ({ user_id }));
  };
  const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
  const first = lookUpKept(client, "test", id(1), lookup, 1);
  // Answered while the first lookup still hangs.
  assert.deepEqual(await lookUpKept(client, "test", id(2), lookup, 1), { user_id: id(2) });
  assert.deepEqual(calls, [[id(1)], [id(2)]]);
  hung();
  assert.deepEqual(await first, { user_id: id(1) });
});
