/**
 * The pairing on many learners whose snapshots mix sufficient, insufficient and overall-less ones
 * and share moments with their outcomes: the same pairs as a plain statement that reads every
 * candidate snapshot, and a plan that finds each outcome's snapshot through the index of
 * sufficient snapshots instead of reading the snapshot table.
 */
import assert from "node:assert/strict";
import { createClient } from "../db/client.ts";
import { createTestDatabase } from "../../tests/db.ts";
import { pairOutcomes } from "./pairing.ts";

const LEARNERS = 240;
const PERIOD = { from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-03-01T00:00:00Z") };

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

const scans = (node: PlanNode): PlanNode[] => [
  ...(node["Relation Name"] === "user_readiness" ? [node] : []),
  ...(node.Plans ?? []).flatMap(scans),
];

Deno.test("the pairing at scale: the same pairs as reading every snapshot, through the index", async (t) => {
  const db = await createTestDatabase();
  try {
    const { sql } = db;
    const learner = (u: string) => sql.unsafe(`md5('pairing-' || ${u})::uuid`);
    await sql`
      insert into analytics.learners (user_id, level)
      select ${learner("u")}, case when u % 3 = 0 then 'senior' else 'junior' end
      from generate_series(1, ${LEARNERS}) u`;
    // Every 4 days from 2026-01-01: every 3rd snapshot without sufficient evidence, every 7th
    // without an overall, a few with no sufficiency flag at all (counted as sufficient).
    await sql`
      insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
      select ${learner("u")}, timestamptz '2026-01-01' + make_interval(days => 4 * s, secs => u),
             case when (u + s) % 7 = 0 then null else (20 + (u * 7 + s * 11) % 80)::numeric(5, 2) end,
             'b' || ((u + s) % 5),
             case when (u + s) % 11 = 0 then jsonb_build_object('formula_version', 'v' || s % 2)
                  else jsonb_build_object('sufficient_evidence', (u + s) % 3 <> 0,
                                          'formula_version', 'v' || s % 2) end
      from generate_series(1, ${LEARNERS}) u, generate_series(0, 12) s
      where u % 17 <> 0`;
    // Two outcomes per learner; some exactly at a snapshot's moment, some before any snapshot,
    // some outside the period.
    await sql`
      insert into analytics.interview_outcomes (user_id, outcome_id, occurred_at, result)
      select ${learner("u")}, 'o' || k,
             case when (u + k) % 5 = 0
                  then timestamptz '2026-01-01' + make_interval(days => 4 * ((u + k) % 13), secs => u)
                  else timestamptz '2025-12-30' + make_interval(days => (u * 3 + k * 19) % 70,
                                                                secs => u * 37 % 86400) end,
             case when (u + k) % 2 = 0 then 'passed' else 'failed' end
      from generate_series(1, ${LEARNERS}) u, generate_series(1, 2) k`;
    await sql`analyze`;

    // Every candidate snapshot read and sorted: the plain reading of the pairing rule.
    const expected = async (level?: string) =>
      await sql`
        select o.user_id::text, o.outcome_id, o.occurred_at, o.result,
               s.id::float8 as snapshot_id, s.ts as snapshot_ts,
               s.readiness_overall::float8 as readiness, s.band, s.formula_version
        from analytics.interview_outcomes o
        join analytics.learners l on l.user_id = o.user_id
        left join (
          select distinct on (o.user_id, o.outcome_id) o.user_id, o.outcome_id, r.id, r.ts,
                 r.readiness_overall, r.band, r.meta ->> 'formula_version' as formula_version
          from analytics.interview_outcomes o
          join analytics.user_readiness r on r.user_id = o.user_id and r.ts <= o.occurred_at
          where r.readiness_overall is not null
            and coalesce((r.meta ->> 'sufficient_evidence')::boolean, true)
          order by o.user_id, o.outcome_id, r.ts desc, r.id desc
        ) s on s.user_id = o.user_id and s.outcome_id = o.outcome_id
        where o.occurred_at >= ${PERIOD.from} and o.occurred_at < ${PERIOD.to}
          and (${level ?? null}::text is null or l.level = ${level ?? null})
        order by o.occurred_at, o.user_id, o.outcome_id`;

    await t.step("the same pairs, with and without a learner filter", async () => {
      for (const level of [undefined, "senior"]) {
        const pairs = await pairOutcomes(sql, { ...PERIOD, level });
        const plain = await expected(level);
        assert.deepEqual(pairs.map((p) => ({ ...p })), plain.map((p) => ({ ...p })));
        const paired = pairs.filter((p) => p.snapshot_id !== null).length;
        // The data exercise both sides: paired outcomes and unpaired ones.
        assert.ok(paired > pairs.length / 2 && paired < pairs.length, `${paired}/${pairs.length}`);
      }
    });

    await t.step(
      "each outcome's snapshot comes from the index of sufficient snapshots",
      async () => {
        const sent: { query: string; parameters: readonly unknown[] }[] = [];
        const recording = createClient(db.url, {
          max: 1,
          prepare: db.kind !== "embedded",
          onQuery: (query, parameters) => sent.push({ query, parameters }),
        });
        try {
          await pairOutcomes(recording, PERIOD);
        } finally {
          await recording.end();
        }
        const pairing = sent.filter((s) => s.query.includes("analytics.interview_outcomes"));
        assert.equal(pairing.length, 1);
        const [{ "QUERY PLAN": [plan] }] = await sql.unsafe<
          { "QUERY PLAN": { Plan: PlanNode }[] }[]
        >(
          `explain (format json) ${pairing[0].query}`,
          pairing[0].parameters as never[],
        );
        assert.deepEqual(
          scans(plan.Plan).map((n) => `${n["Node Type"]} using ${n["Index Name"]}`),
          ["Index Scan using user_readiness_sufficient_idx"],
        );
      },
    );
  } finally {
    await db.close();
  }
});
