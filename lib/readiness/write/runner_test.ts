/** The readiness runner: when a tick runs, runs that fail or stop midway, outages, the gauges. */
import assert from "node:assert/strict";
import { recordSession } from "../../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { createClient, type Sql } from "../../db/client.ts";
import { setSink } from "../../log.ts";
import { readinessRunnerRuns } from "../../metrics.ts";
import { readinessFreshness } from "../read/freshness.ts";
import { recomputeAllReadiness } from "./recompute.ts";
import {
  readDueState,
  readinessGauges,
  REFRESH_MS,
  runIsDue,
  startReadinessRunner,
} from "./runner.ts";
import { listSnapshots } from "../read/history.ts";
import { readinessConfig } from "../../../tests/static_config.ts";

const NOW = new Date("2026-11-20T12:00:00Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);

Deno.test("runIsDue: pending runs; nothing pending and a recent run does not; a day-old run does", () => {
  assert.equal(runIsDue({ pending: true, lastRunAt: ago(1000), now: NOW }), true);
  assert.equal(runIsDue({ pending: false, lastRunAt: ago(1000), now: NOW }), false);
  assert.equal(runIsDue({ pending: false, lastRunAt: ago(REFRESH_MS - 1), now: NOW }), false);
  assert.equal(runIsDue({ pending: false, lastRunAt: ago(REFRESH_MS), now: NOW }), true);
  assert.equal(runIsDue({ pending: false, lastRunAt: ago(25 * 3600_000), now: NOW }), true);
  assert.equal(runIsDue({ pending: false, lastRunAt: null, now: NOW }), true, "never ran");
});

/** Polls `check` every 50 ms until it is true (5 s at most). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting until ${what}`);
}

const runCount = async (sql: Sql) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from analytics.readiness_runs`)[0].n;
const pendingIds = async (sql: Sql) =>
  (await sql<{ user_id: string }[]>`select user_id from analytics.readiness_pending order by 1`)
    .map((r) => r.user_id);
const outcomes = (outcome: string) => readinessRunnerRuns.values.get(`outcome="${outcome}"`) ?? 0;

/** Makes writing a snapshot of `userId` fail (or, with `sleep`, take that many seconds). */
async function hinder(sql: Sql, userId: string | null, sleep = 0) {
  await sql.unsafe(`
    create or replace function analytics.test_hinder() returns trigger language plpgsql as $$
    begin
      if ${sleep} > 0 then perform pg_sleep(${sleep}); return new; end if;
      if new.user_id = '${userId}' then raise exception 'test: snapshot refused'; end if;
      return new;
    end $$;
    drop trigger if exists test_hinder on analytics.user_readiness;
    create trigger test_hinder before insert on analytics.user_readiness
      for each row execute function analytics.test_hinder();`);
}
const unhinder = (sql: Sql) =>
  sql.unsafe(`drop trigger if exists test_hinder on analytics.user_readiness`);

Deno.test("readiness runner on a database", async (step) => {
  const db = await createTestDatabase();
  const lines: string[] = [];
  const restore = setSink((line) => lines.push(line));
  try {
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()].sort();

    await step.step("new answers: a tick runs and the learner's readiness follows", async () => {
      await recordSession(db.sql, a, 1, { communication: [60, 70] });
      assert.deepEqual(await pendingIds(db.sql), [a]);
      assert.deepEqual(await readinessFreshness(db.sql, a), { pending: true, updatedAt: null });
      const runner = startReadinessRunner(db.sql, {
        config: readinessConfig,
        intervalSeconds: 0.05,
      });
      try {
        await until(async () => (await listSnapshots(db.sql, a, 1)).length === 1, "a snapshot");
        await until(async () => (await pendingIds(db.sql)).length === 0, "no mark left");
      } finally {
        await runner.stop();
      }
      const fresh = await readinessFreshness(db.sql, a);
      assert.equal(fresh.pending, false);
      assert.ok(fresh.updatedAt && Date.parse(fresh.updatedAt) <= Date.now());
    });

    await step.step("nothing pending, last run recent: ticks do not run", async () => {
      const before = await runCount(db.sql);
      assert.ok(before >= 1);
      const runner = startReadinessRunner(db.sql, {
        config: readinessConfig,
        intervalSeconds: 0.05,
      });
      await new Promise((r) => setTimeout(r, 400));
      await runner.stop();
      assert.equal(await runCount(db.sql), before);
    });

    await step.step("the last run a day old: a tick runs without new answers", async () => {
      await db.sql`
        update analytics.readiness_runs
        set started_at = started_at - interval '25 hours', finished_at = finished_at - interval '25 hours'`;
      assert.equal(runIsDue(await readDueState(db.sql)), true);
      const before = await runCount(db.sql);
      const runner = startReadinessRunner(db.sql, {
        config: readinessConfig,
        intervalSeconds: 0.05,
      });
      try {
        await until(async () => (await runCount(db.sql)) > before, "a new run");
      } finally {
        await runner.stop();
      }
      assert.equal(runIsDue(await readDueState(db.sql)), false);
    });

    await step.step(
      "a batch that fails keeps its learners pending; the next run takes them",
      async () => {
        await recordSession(db.sql, a, 0.5, { structure: [80] });
        await recordSession(db.sql, b, 0.5, { structure: [40] });
        await hinder(db.sql, b);
        const runs = await runCount(db.sql);
        await assert.rejects(
          () => recomputeAllReadiness(db.sql, { config: readinessConfig, batchSize: 1 }),
          /snapshot refused/,
        );
        assert.deepEqual(await pendingIds(db.sql), [b], "a's batch committed, b's rolled back");
        assert.equal((await listSnapshots(db.sql, b, 1)).length, 0);
        assert.equal(await runCount(db.sql), runs, "an unfinished run is not recorded");

        // The runner meets the same failure: logged, counted, retried on the next tick.
        const failed = outcomes("failed");
        const runner = startReadinessRunner(db.sql, {
          config: readinessConfig,
          intervalSeconds: 0.05,
        });
        try {
          await until(() => Promise.resolve(outcomes("failed") >= failed + 2), "two failed ticks");
          assert.ok(lines.some((l) => /readiness runner: run failed/.test(l)));
          await unhinder(db.sql);
          await until(async () => (await pendingIds(db.sql)).length === 0, "b computed");
        } finally {
          await runner.stop();
        }
        assert.equal((await listSnapshots(db.sql, b, 1)).length, 1);
      },
    );

    await step.step(
      "stopped mid-run: the batches done stay, the rest is picked up next",
      async () => {
        // Enough learners that batches are left after the ones in flight when it stops (a run
        // has config.recompute.concurrency batches in flight at once).
        const more = Array.from({ length: 8 }, () => crypto.randomUUID()).sort();
        for (const id of more) await recordSession(db.sql, id, 0.2, { communication: [50] });
        await hinder(db.sql, null, 0.3);
        const runs = await runCount(db.sql);
        const stopped = outcomes("stopped");
        const runner = startReadinessRunner(db.sql, {
          config: readinessConfig,
          intervalSeconds: 0.05,
          batchSize: 1,
        });
        await until(async () => (await pendingIds(db.sql)).length < more.length, "a first batch");
        await runner.stop();
        await unhinder(db.sql);
        const left = await pendingIds(db.sql);
        assert.ok(left.length > 0 && left.length < more.length, `left: ${left.length}`);
        assert.equal(outcomes("stopped"), stopped + 1);
        assert.equal(await runCount(db.sql), runs, "the stopped run is not recorded");
        const next = await recomputeAllReadiness(db.sql, { config: readinessConfig });
        assert.equal(next.learners, left.length, "only the learners still pending");
        assert.deepEqual(await pendingIds(db.sql), []);
        for (const id of more) assert.equal((await listSnapshots(db.sql, id, 1)).length, 1);
      },
    );

    await step.step("gauges: the pending backlog and the latest run", async () => {
      await recordSession(db.sql, b, 0.1, { communication: [90] });
      const readings = Object.fromEntries(
        (await readinessGauges(db.sql)).map((r) => [r.name, r.value]),
      );
      assert.equal(readings.pulse_readiness_pending, 1);
      const [last] = await db.sql<{ finished_at: Date }[]>`
        select finished_at from analytics.readiness_runs order by id desc limit 1`;
      assert.equal(
        readings.pulse_readiness_last_run_timestamp_seconds,
        last.finished_at.getTime() / 1000,
      );
      assert.ok(readings.pulse_readiness_last_run_duration_seconds >= 0);
    });
  } finally {
    restore();
    await db.close();
  }
});

Deno.test("readiness runner: a database that is down is retried, logged once, never thrown", async () => {
  const lines: string[] = [];
  const restore = setSink((line) => lines.push(line));
  const sql = createClient("postgres://pulse@127.0.0.1:9/none", { max: 1, connectTimeout: 1 });
  try {
    const failed = outcomes("failed");
    const runner = startReadinessRunner(sql, { config: readinessConfig, intervalSeconds: 0.05 });
    await until(() => Promise.resolve(outcomes("failed") >= failed + 3), "three failed ticks");
    await runner.stop();
    assert.equal(lines.filter((l) => /database unavailable/.test(l)).length, 1, lines.join("\n"));
    assert.deepEqual(await readinessGauges(sql), [], "no gauges while the database is down");
  } finally {
    restore();
    await sql.end({ timeout: 1 });
  }
});
