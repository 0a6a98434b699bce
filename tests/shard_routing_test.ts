/**
 * One learner, one shard: every statement of a learner's work (ingest, completion, computing the
 * learner, profile and outcomes writes, the reads, export, erase) would be a router query to the
 * learner's shard on Citus, and none writes through the coordinator. Checked without a cluster,
 * from the plans of the statements the app's own modules send (tests/shard_plans.ts says what
 * Citus needs of them).
 */
import assert from "node:assert/strict";
import { createClient } from "../lib/db/client.ts";
import { createTestDatabase } from "./db.ts";
import { type PathLabel, PATHS, runPerLearnerPaths } from "./per_learner_paths.ts";
import {
  distributionColumns,
  type SentStatement,
  shardProblems,
  touchesAnalytics,
} from "./shard_plans.ts";

Deno.test("every statement of one learner's work is restricted to the learner's shard", async (t) => {
  const db = await createTestDatabase();
  let label: PathLabel | "" = "";
  const sent: SentStatement[] = [];
  // Embedded PGlite serves one session: one connection, unnamed statements (as tests/db.ts).
  const embedded = db.kind === "embedded";
  const recording = createClient(db.url, {
    max: embedded ? 1 : 4,
    prepare: !embedded,
    onQuery: (query, parameters) => sent.push({ label, query, parameters }),
  });
  try {
    const columns = await distributionColumns(db.sql);

    await t.step("the checker names what Citus would send to every shard", async () => {
      const [u] = [crypto.randomUUID()];
      // A join on user_id restricted on one side by `= any` only: the other table is scanned
      // whole (on Citus, all its shards).
      assert.deepEqual(
        (await shardProblems(db.sql, {
          query: `select count(*) from analytics.learners l
                  join analytics.user_readiness r on r.user_id = l.user_id
                  where l.user_id = any($1::uuid[])`,
          parameters: [`{${u}}`],
        }, columns)).map((p) => p.replace(/^[A-Za-z ]+ on /, "").split(" (")[0]),
        ["user_readiness without user_id = constant"],
      );
      // Writes Citus would run through the coordinator, however well their scans are restricted.
      const refused: [string, string][] = [
        // Rows of a function inserted into a distributed table.
        [
          `insert into analytics.readiness_pending (user_id) select u from unnest($1::uuid[]) u`,
          "insert into readiness_pending from Function Scan (no values, no user_id-restricted " +
          "scan of a distributed table)",
        ],
        // An insert in a WITH clause: Citus runs the statement in steps.
        [
          `with w as (insert into analytics.readiness_pending (user_id) values ($1) returning 1)
           select count(*) from w`,
          "insert into readiness_pending in a WITH clause (CTE w: Citus runs the statement in " +
          "steps through the coordinator)",
        ],
        // Rows of a select inserted into a table whose id is a sequence's, even from the
        // learner's own shard.
        [
          `insert into analytics.user_readiness (user_id, ts, band, meta)
           select l.user_id, now(), 'x', '{}' from analytics.learners l where l.user_id = $1`,
          "insert into user_readiness from a select, with a sequence's value (Citus pulls the " +
          "rows to the coordinator)",
        ],
      ];
      for (const [query, problem] of refused) {
        const parameters = query.includes("$1::uuid[]") ? [`{${u}}`] : [u];
        assert.deepEqual(await shardProblems(db.sql, { query, parameters }, columns), [problem]);
      }
      // A session's owner row: distributed by session_id.
      assert.deepEqual(
        await shardProblems(db.sql, {
          query: `select user_id from analytics.session_owners where session_id = $1`,
          parameters: [u],
        }, columns),
        [],
      );
      assert.equal(
        (await shardProblems(db.sql, {
          query: `select session_id from analytics.session_owners where user_id = $1`,
          parameters: [u],
        }, columns)).length,
        1,
      );
    });

    await t.step("the app's per-learner paths", async () => {
      await runPerLearnerPaths(recording, crypto.randomUUID(), (l) => (label = l));
      const problems: string[] = [];
      const seen = new Set<PathLabel>();
      for (const s of sent.filter((s) => touchesAnalytics(s.query))) {
        seen.add(s.label as PathLabel);
        for (const p of await shardProblems(db.sql, s, columns)) {
          problems.push(`${s.label}: ${p}\n  ${s.query.trim().replace(/\s+/g, " ").slice(0, 160)}`);
        }
      }
      assert.deepEqual([...seen], [...PATHS]);
      // No write goes through the coordinator any more: computing a learner MERGEs the aggregates
      // from the learner's answers and writes the snapshots as `values`; an outcomes batch is
      // inserted as `values` and compared with the stored rows afterwards (docs/citus.md).
      assert.deepEqual(problems, []);
    });
  } finally {
    await recording.end({ timeout: 5 });
    await db.close();
  }
});
