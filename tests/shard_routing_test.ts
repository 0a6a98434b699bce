/**
 * One learner, one shard: every statement of a learner's work (ingest, completion, computing the
 * learner, profile and outcomes writes, the reads, export, erase) would be a router query to the
 * learner's shard on Citus. Checked without a cluster, from the plans of the statements the app's
 * own modules send (tests/shard_plans.ts says what Citus needs of them).
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
      // Rows of a function inserted into a distributed table: pulled through the coordinator.
      assert.deepEqual(
        await shardProblems(db.sql, {
          query: `insert into analytics.readiness_pending (user_id)
                  select u from unnest($1::uuid[]) u`,
          parameters: [`{${u}}`],
        }, columns),
        [
          "insert into readiness_pending from Function Scan (no values, no user_id-restricted " +
          "scan of a distributed table)",
        ],
      );
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
      const throughCoordinator = new Set<string>();
      const seen = new Set<PathLabel>();
      for (const s of sent.filter((s) => touchesAnalytics(s.query))) {
        seen.add(s.label as PathLabel);
        for (const p of await shardProblems(db.sql, s, columns)) {
          const cte = /^insert into (\w+) from (CTE Scan|Nested Loop, CTE Scan) \(/.exec(p);
          if (cte) {
            throughCoordinator.add(`${s.label}: ${cte[1]}`);
          } else {
            problems.push(
              `${s.label}: ${p}\n  ${s.query.trim().replace(/\s+/g, " ").slice(0, 160)}`,
            );
          }
        }
      }
      assert.deepEqual([...seen], [...PATHS]);
      assert.deepEqual(problems, []);
      // Computing a learner writes the aggregates from rows a statement computes on the learner's
      // shard, and an outcomes batch is compared with the stored rows in its insert; Citus runs
      // those statements in steps through the coordinator (one shard each, docs/citus.md). No
      // other statement may do so.
      assert.deepEqual([...throughCoordinator].sort(), [
        "completion: user_skill_agg",
        "compute one learner: user_skill_agg",
        "outcomes write: interview_outcomes",
      ]);
    });
  } finally {
    await recording.end({ timeout: 5 });
    await db.close();
  }
});
