import assert from "node:assert/strict";
import {
  AS_OF,
  daysBefore,
  recordLearnerA,
  recordSession,
} from "../../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { skillAggregates } from "../read/aggregates.ts";
import { refreshSkillAggregates } from "./aggregates.ts";
import { momentsOf, windowAsOf } from "./moments.ts";
import { loadReadinessConfig, windowSpec } from "../config.ts";
import { readinessConfig } from "../../../tests/static_config.ts";

type Row = [window: string, skill: string, avg: number, answers: number, sessions: number];

/** Aggregates as comparable tuples, sorted by window then skill. */
async function rows(sql: Parameters<typeof skillAggregates>[0], userId: string): Promise<Row[]> {
  return (await skillAggregates(sql, userId))
    .map((a): Row => [a.window_key, a.skill_tag, a.avg_score, a.sample_size, a.session_count])
    .sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));
}

Deno.test("refreshSkillAggregates", async (step) => {
  const db = await createTestDatabase();
  try {
    const a = crypto.randomUUID();
    const other = crypto.randomUUID();
    await recordLearnerA(db.sql, a);
    await recordSession(db.sql, other, 2, { communication: [10] });

    await step.step("window averages of learner A, worked out by hand", async () => {
      await db.sql.begin((tx) =>
        refreshSkillAggregates(tx, [a], { config: readinessConfig, asOf: AS_OF })
      );
      // Sessions (days before AS_OF): S1 45d comm 40, tech 30 · S2 25d comm 50 60, struct 55 ·
      // S3 20d comm 70, design 80, probe 60 · S4 12d comm 65, tech 70, struct 45 ·
      // S5 6d comm 75 85, behav 50 · S6 3d comm 90, tech 80, struct 50 · S7 1d comm 80, probe 70, behav 70
      const expected: Row[] = [
        // 14d: S4–S7
        ["14d", "behavioral_examples", 60, 2, 2], // (50 + 70) / 2
        ["14d", "communication", 79, 5, 4], // (65 + 75 + 85 + 90 + 80) / 5 = 395 / 5
        ["14d", "probe", 70, 1, 1],
        ["14d", "structure", 47.5, 2, 2], // (45 + 50) / 2
        ["14d", "technical_depth", 75, 2, 2], // (70 + 80) / 2
        // 30d: S2–S7
        ["30d", "behavioral_examples", 60, 2, 2],
        ["30d", "communication", 71.88, 8, 6], // 575 / 8 = 71.875, numeric rounds half up
        ["30d", "probe", 65, 2, 2],
        ["30d", "structure", 50, 3, 3], // (55 + 45 + 50) / 3
        ["30d", "system_design", 80, 1, 1],
        ["30d", "technical_depth", 75, 2, 2],
        // 7d: S5–S7
        ["7d", "behavioral_examples", 60, 2, 2],
        ["7d", "communication", 82.5, 4, 3], // (75 + 85 + 90 + 80) / 4
        ["7d", "probe", 70, 1, 1],
        ["7d", "structure", 50, 1, 1],
        ["7d", "technical_depth", 80, 1, 1],
        // last 10 sessions touching the skill: every session
        ["last_10_sessions", "behavioral_examples", 60, 2, 2],
        ["last_10_sessions", "communication", 68.33, 9, 7], // 615 / 9 = 68.333…
        ["last_10_sessions", "probe", 65, 2, 2],
        ["last_10_sessions", "structure", 50, 3, 3],
        ["last_10_sessions", "system_design", 80, 1, 1],
        ["last_10_sessions", "technical_depth", 60, 3, 3], // (30 + 70 + 80) / 3
        // last 5 sessions touching the skill: communication drops S1 and S2
        ["last_5_sessions", "behavioral_examples", 60, 2, 2],
        ["last_5_sessions", "communication", 77.5, 6, 5], // (70 + 65 + 75 + 85 + 90 + 80) / 6
        ["last_5_sessions", "probe", 65, 2, 2],
        ["last_5_sessions", "structure", 50, 3, 3],
        ["last_5_sessions", "system_design", 80, 1, 1],
        ["last_5_sessions", "technical_depth", 60, 3, 3],
      ];
      assert.deepEqual(await rows(db.sql, a), expected);
      // Only the learner asked for was refreshed.
      assert.deepEqual(await rows(db.sql, other), []);
    });

    await step.step("asOf ignores later events; stale rows are deleted", async () => {
      // Ten days earlier, S6 and S7 lie in the future and the 7d window holds only S4 (12 − 10 = 2d).
      const earlier = daysBefore(10);
      const result = await db.sql.begin((tx) =>
        refreshSkillAggregates(tx, [a], { config: readinessConfig, asOf: earlier })
      );
      const got = await rows(db.sql, a);
      assert.deepEqual(got.filter((r) => r[0] === "7d"), [
        ["7d", "communication", 65, 1, 1],
        ["7d", "structure", 45, 1, 1],
        ["7d", "technical_depth", 70, 1, 1],
      ]);
      // last 5 sessions of communication as of then: S1–S4 → (40 + 50 + 60 + 70 + 65) / 5 = 57
      assert.deepEqual(got.find((r) => r[0] === "last_5_sessions" && r[1] === "communication"), [
        "last_5_sessions",
        "communication",
        57,
        5,
        4,
      ]);
      // Gone: 7d probe and behavioral_examples, and behavioral_examples in every other window (S5
      // and S7 are after `earlier`): 2 + 4 = 6 rows.
      assert.equal(result.deleted, 6);
      assert.equal(got.some((r) => r[1] === "behavioral_examples"), false);
    });

    await step.step(
      "all learners in one pass; windows dropped from config are deleted",
      async () => {
        const fewer = loadReadinessConfig({
          ...readinessConfig,
          windows: readinessConfig.windows.filter((w) => w.key !== "30d"),
        });
        await db.sql.begin((tx) =>
          refreshSkillAggregates(tx, undefined, { config: fewer, asOf: AS_OF })
        );
        assert.deepEqual(await rows(db.sql, other), [
          ["14d", "communication", 10, 1, 1],
          ["7d", "communication", 10, 1, 1],
          ["last_10_sessions", "communication", 10, 1, 1],
          ["last_5_sessions", "communication", 10, 1, 1],
        ]);
        const aRows = await rows(db.sql, a);
        assert.equal(aRows.some((r) => r[0] === "30d"), false);
        // Back at AS_OF, learner A's rows are the hand-worked ones again.
        assert.deepEqual(
          aRows.find((r) => r[0] === "last_5_sessions" && r[1] === "communication"),
          ["last_5_sessions", "communication", 77.5, 6, 5],
        );
      },
    );

    await step.step(
      "unchanged figures are not rewritten (last_updated = last change)",
      async () => {
        // The previous step dropped 30d: this refresh brings those 6 rows back.
        const back = await db.sql.begin((tx) =>
          refreshSkillAggregates(tx, [a], { config: readinessConfig, asOf: AS_OF })
        );
        assert.deepEqual(back, { upserted: 6, deleted: 0 });
        const before = await skillAggregates(db.sql, a);
        const again = await db.sql.begin((tx) =>
          refreshSkillAggregates(tx, [a], { config: readinessConfig, asOf: AS_OF })
        );
        assert.deepEqual(again, { upserted: 0, deleted: 0 });
        assert.deepEqual(await skillAggregates(db.sql, a), before);
        await recordSession(db.sql, a, 0.5, { probe: [100] });
        const changed = await db.sql.begin((tx) =>
          refreshSkillAggregates(tx, [a], { config: readinessConfig, asOf: AS_OF })
        );
        // probe in last_5_sessions, last_10_sessions, 7d, 14d and 30d.
        assert.deepEqual(changed, { upserted: 5, deleted: 0 });
        const probe = await skillAggregates(db.sql, a, { skillTag: "probe" });
        assert.ok(probe.every((r) => r.last_updated > before[0].last_updated));
      },
    );

    await step.step(
      "the scores read the readiness window's stored rows: the same figures as computed from the answers as of the latest evidence",
      async () => {
        const idle = crypto.randomUUID();
        await db.sql`insert into analytics.learners (user_id) values (${idle})`;
        const ids = [a, other, idle];
        assert.equal(
          windowSpec(readinessConfig, readinessConfig.readiness_window).kind,
          "sessions",
        );
        const [stored, computed] = await db.sql.begin(async (tx) => {
          await refreshSkillAggregates(tx, ids, { config: readinessConfig });
          const latest = { kind: "latest" } as const;
          return [
            await windowAsOf(tx, momentsOf(tx, ids, latest), readinessConfig, true, ids),
            await windowAsOf(tx, momentsOf(tx, ids, latest), readinessConfig, false, ids),
          ];
        });
        const plain = (m: typeof stored) =>
          [...m.entries()].map(([k, v]) => [
            k,
            v.moment,
            [...v.skills].sort((x, y) => x.skill_tag.localeCompare(y.skill_tag)),
          ]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
        assert.deepEqual(plain(stored), plain(computed));
        assert.equal(stored.size, 3);
        assert.ok([...stored.values()].some((v) => v.moment.user_id === other && v.skills.length));
        assert.deepEqual(
          [...stored.values()].find((v) => v.moment.user_id === idle)?.skills,
          [],
          "no answers: no figures",
        );
      },
    );

    await step.step("an empty list of learners touches nothing", async () => {
      assert.deepEqual(
        await db.sql.begin((tx) => refreshSkillAggregates(tx, [], { config: readinessConfig })),
        { upserted: 0, deleted: 0 },
      );
    });
  } finally {
    await db.close();
  }
});
