// Tests of the bounded-concurrency helpers: limits actually held, order and flushing, errors passed on.
import assert from "node:assert/strict";
import { Batcher, forEachBounded, Semaphore } from "./async.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function* upTo(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

Deno.test("forEachBounded never runs more than N at once and visits every item once", async () => {
  for (const n of [1, 3, 16]) {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachBounded(upTo(40), n, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(1 + (i % 3));
      seen.push(i);
      inFlight--;
    });
    assert.equal(peak, n);
    assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i));
  }
});

Deno.test("forEachBounded pulls items lazily and, at 1, runs them in order", async () => {
  let pulled = 0;
  async function* counted() {
    for (let i = 0; i < 10; i++) {
      pulled++;
      yield i;
    }
  }
  const order: number[] = [];
  await forEachBounded(counted(), 2, async (i) => {
    // Never more items pulled than finished plus the two in flight.
    assert.ok(pulled <= order.length + 2, `pulled ${pulled} with ${order.length} done`);
    await sleep(1);
    order.push(i);
  });
  assert.equal(pulled, 10);
  const serial: number[] = [];
  await forEachBounded(upTo(10), 1, async (i) => {
    await sleep(10 - i);
    serial.push(i);
  });
  assert.deepEqual(serial, Array.from({ length: 10 }, (_, i) => i));
  // A concurrency below 1 still makes progress, one at a time.
  const one: number[] = [];
  await forEachBounded(upTo(3), 0, (i) => Promise.resolve(void one.push(i)));
  assert.deepEqual(one, [0, 1, 2]);
});

Deno.test("forEachBounded rejects with the error of a failing item", async () => {
  await assert.rejects(
    forEachBounded(upTo(10), 3, async (i) => {
      await sleep(1);
      if (i === 4) throw new Error("item 4 failed");
    }),
    /item 4 failed/,
  );
  // The other workers finish the items they hold; let them, so that no timer outlives the test.
  await sleep(50);
});

Deno.test("Semaphore never lets more than N run at once, and runs everything", async () => {
  for (const n of [1, 4]) {
    const gate = new Semaphore(n);
    let inFlight = 0;
    let peak = 0;
    const out = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      gate.run(async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(1 + (i % 3));
        inFlight--;
        return i;
      })));
    assert.equal(peak, n);
    assert.deepEqual(out, Array.from({ length: 30 }, (_, i) => i));
  }
});

Deno.test("Semaphore lets waiters in first come, first served, and a failure frees its permit", async () => {
  const gate = new Semaphore(1);
  const started: number[] = [];
  const runs = Array.from({ length: 5 }, (_, i) =>
    gate.run(async () => {
      started.push(i);
      await sleep(5 - i);
      if (i === 1) throw new Error("run 1 failed");
      return i;
    }));
  const settled = await Promise.allSettled(runs);
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.deepEqual(settled.map((r) => r.status), [
    "fulfilled",
    "rejected",
    "fulfilled",
    "fulfilled",
    "fulfilled",
  ]);
  assert.match(String((settled[1] as PromiseRejectedResult).reason), /run 1 failed/);
  // The permit came back: a new run starts at once.
  assert.equal(await gate.run(() => Promise.resolve("free")), "free");
});

Deno.test("Batcher: one batch in flight, small batches wait for company, errors per batch", async () => {
  const batches: number[][] = [];
  let inFlight = 0;
  const batcher = new Batcher(async (items: number[]) => {
    assert.equal(++inFlight, 1, "one batch at a time");
    batches.push(items);
    await sleep(5);
    inFlight--;
    if (items.includes(-1)) throw new Error("bad batch");
    return items.map((i) => i * 10);
  }, { min: 4, max: 5, waitMs: 20 });
  // The 4th item starts a batch; the six added meanwhile make a full batch and a short one.
  const out = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.add(i)));
  assert.deepEqual(out, Array.from({ length: 10 }, (_, i) => i * 10));
  assert.deepEqual(batches, [[0, 1, 2, 3], [4, 5, 6, 7, 8], [9]]);
  // Fewer than `min` items still go, once their wait is over.
  batches.length = 0;
  assert.deepEqual(await Promise.all([batcher.add(1), batcher.add(2)]), [10, 20]);
  assert.deepEqual(batches, [[1, 2]]);
  // A failed batch rejects each of its items, and the next batch runs.
  const failed = await Promise.allSettled([batcher.add(7), batcher.add(-1)]);
  assert.deepEqual(failed.map((r) => r.status), ["rejected", "rejected"]);
  assert.equal(await batcher.add(3), 30);
});

Deno.test("Batcher with the default minimum sends at once, and items keep their order", async () => {
  const batches: string[][] = [];
  const batcher = new Batcher(async (items: string[]) => {
    batches.push(items);
    await sleep(2);
    return items.map((s) => s.toUpperCase());
  }, { waitMs: 1_000 });
  const started = performance.now();
  // The first item goes alone, without waiting; those added while it runs go together, in order.
  const out = await Promise.all(["a", "b", "c", "d"].map((s) => batcher.add(s)));
  assert.ok(performance.now() - started < 500, "no batch waited for company");
  assert.deepEqual(out, ["A", "B", "C", "D"]);
  assert.deepEqual(batches, [["a"], ["b", "c", "d"]]);
});
