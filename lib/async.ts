/**
 * Bounded concurrency for async work: a pool over an async iterable (`forEachBounded`), a
 * counting semaphore (`Semaphore`) and a batcher that gathers concurrent callers' items into one
 * call (`Batcher`). Generic: the legacy backfill and the benchmarks use them.
 */

/** Most items in one batch unless told otherwise. */
const MAX_BATCH = 256;
/** How long a batch smaller than its minimum waits for more items unless told otherwise. */
const BATCH_WAIT_MS = 10;

/** Runs `work` over `items` with at most `concurrency` in flight; items are pulled lazily. */
export async function forEachBounded<T>(
  items: AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  // Concurrent next() calls on an async generator are queued, so each item goes to one worker.
  const worker = async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

export interface BatcherOptions {
  /** Most items in one batch (default 256). */
  max?: number;
  /** A batch smaller than this waits up to `waitMs` for more items (default 1: never waits). */
  min?: number;
  /** How long a batch below `min` waits (default 10 ms). */
  waitMs?: number;
}

/**
 * Gathers the items added while a batch is being processed into the next batch: at most one
 * batch in flight, each caller gets its own item's result (or the batch's error). Below `min`
 * items, a batch waits up to `waitMs` for more: fewer, larger statements for the same work.
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly max: number;
  private readonly min: number;
  private readonly waitMs: number;

  constructor(
    private readonly process: (items: I[]) => Promise<O[]>,
    options: BatcherOptions = {},
  ) {
    this.max = Math.max(1, options.max ?? MAX_BATCH);
    this.min = Math.min(this.max, Math.max(1, options.min ?? 1));
    this.waitMs = options.waitMs ?? BATCH_WAIT_MS;
  }

  /** Queues `item` for the next batch; resolves with its own result, rejects with its batch's error. */
  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Starts a batch now when it is big enough, else once the oldest waiting item's time is up. */
  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.queue.length >= this.min) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.drain();
    } else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.running) this.drain();
      }, this.waitMs);
    }
  }

  private async drain(): Promise<void> {
    this.running = true;
    do {
      const batch = this.queue.splice(0, this.max);
      try {
        const out = await this.process(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(out[i]));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    } while (this.queue.length >= this.min);
    this.running = false;
    this.schedule();
  }
}

/** At most `permits` calls of `run` at once; the others wait in order. */
export class Semaphore {
  private waiting: (() => void)[] = [];

  constructor(private permits: number) {}

  /** Runs `fn` once a permit is free (first come, first served) and gives the permit back after. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.permits > 0) this.permits--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.permits++;
    }
  }
}
