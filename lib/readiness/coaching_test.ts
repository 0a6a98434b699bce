import assert from "node:assert/strict";
import { AS_OF, daysBefore, recordSession } from "../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../tests/db.ts";
import type { Sql } from "../db/mod.ts";
import { upsertProfile } from "../learners/profile.ts";
import { coachingMessage, focusComponent } from "./coaching.ts";
import { loadReadinessConfig, type ReadinessConfig } from "./config.ts";
import { coachingData } from "./read/coaching.ts";
import { computeUserReadiness } from "./write/snapshots.ts";
import { readinessConfig, shipped } from "../../tests/static_config.ts";

/** A known learner's coaching, as the coaching API reads it. */
async function coachingFor(sql: Sql, userId: string, config: ReadinessConfig) {
  const coaching = await coachingData(sql, userId, { ...shipped, readiness: config });
  assert.ok(coaching, `${userId} is a learner`);
  return coaching;
}

const persistentlyLow = async (sql: Sql, userId: string, config: ReadinessConfig) =>
  (await coachingFor(sql, userId, config)).persistently_low;

Deno.test("coaching", async (step) => {
  const db = await createTestDatabase();
  try {
    const d = crypto.randomUUID();
    const s1 = await recordSession(db.sql, d, 10, {
      communication: [70],
      behavioral_examples: [59],
    });
    const s2 = await recordSession(db.sql, d, 7, {
      communication: [50],
      structure: [40],
      behavioral_examples: [59.99],
    });
    const s3 = await recordSession(db.sql, d, 4, {
      communication: [55],
      structure: [65],
      technical_depth: [10],
      behavioral_examples: [20],
    });
    const s4 = await recordSession(db.sql, d, 1, {
      communication: [58, 61],
      structure: [30],
      technical_depth: [20],
      behavioral_examples: [60],
    });

    await step.step("persistently low: below 60 in each of the last 3 sessions", async () => {
      const low = await persistentlyLow(db.sql, d, readinessConfig);
      // communication: last 3 sessions 50, 55, (58 + 61) / 2 = 59.5 → low (S1's 70 is older).
      // structure: 40, 65, 30 → not (65). behavioral_examples: 59.99, 20, 60 → not (60 is not
      // below 60). technical_depth: only 2 sessions → not yet "persistently".
      assert.deepEqual(low, [{
        skill_tag: "communication",
        label: "Communication",
        component: "communication",
        sessions: [
          {
            session_id: s2,
            ts: daysBefore(7).toISOString(),
            score: 50,
            total: "50.00",
            answers: 1,
          },
          {
            session_id: s3,
            ts: daysBefore(4).toISOString(),
            score: 55,
            total: "55.00",
            answers: 1,
          },
          {
            session_id: s4,
            ts: daysBefore(1).toISOString(),
            score: 59.5,
            total: "119.00",
            answers: 2,
          },
        ],
      }]);
      assert.ok(!low.some((l) => l.sessions.some((s) => s.session_id === s1)));
    });

    await step.step("the rule's threshold and length come from config", async () => {
      const strict = loadReadinessConfig({
        ...readinessConfig,
        low_skill: { threshold: 66, sessions: 2 },
      });
      const low = await persistentlyLow(db.sql, d, strict);
      // Last 2 sessions: communication 55, 59.5; structure 65, 30; technical_depth 10, 20;
      // behavioral_examples 20, 60 — all below 66.
      assert.deepEqual(low.map((l) => l.skill_tag), [
        "behavioral_examples",
        "communication",
        "structure",
        "technical_depth",
      ]);
    });

    await step.step(
      "focus: the component with the largest weighted gap, and the sentence",
      async () => {
        const snapshot = await computeUserReadiness(db.sql, d, {
          config: readinessConfig,
          asOf: AS_OF,
        });
        // last 5 sessions: communication (70 + 50 + 55 + 58 + 61) / 5 = 58.8; structure
        // (40 + 65 + 30) / 3 = 45; technical_depth (10 + 20) / 2 = 15; behavioral_examples
        // (59 + 59.99 + 20 + 60) / 4 = 49.7475 → 49.75.
        // overall 0.3 · 15 + 0.3 · 58.8 + 0.2 · 45 + 0.2 · 49.75 = 4.5 + 17.64 + 9 + 9.95 = 41.09
        assert.equal(snapshot.overall, 41.09);
        // gaps to 100: technical 0.3 · 85 = 25.5; communication 0.3 · 41.2 = 12.36;
        // structure 0.2 · 55 = 11; behavioral 0.2 · 50.25 = 10.05
        const coaching = await coachingFor(db.sql, d, readinessConfig);
        assert.equal(coaching.latest?.id, snapshot.id);
        assert.deepEqual(coaching.focus, {
          component: "technical",
          label: "Technical",
          score: 15,
          weight: 0.3,
          weighted_gap: 25.5,
          skill_tag: "technical_depth",
          skill_label: "Technical depth",
        });
        assert.equal(coaching.message, "You're at 41; next we focus on technical depth.");
        assert.deepEqual(coaching.persistently_low.map((l) => l.skill_tag), ["communication"]);
        assert.deepEqual(coaching.low_skill_rule, {
          threshold: 60,
          sessions: 3,
          description: "below 60 in each of the learner's last 3 sessions that touched the skill",
        });
      },
    );

    await step.step("no history: no focus, an encouraging sentence", async () => {
      const nobody = crypto.randomUUID();
      await upsertProfile(db.sql, nobody, { level: "junior" });
      const coaching = await coachingFor(db.sql, nobody, readinessConfig);
      assert.deepEqual(coaching.latest, null);
      assert.deepEqual(coaching.persistently_low, []);
      assert.equal(coaching.focus, null);
      assert.equal(
        coaching.message,
        "Complete a few practice sessions so we can measure your readiness.",
      );
    });
  } finally {
    await db.close();
  }
});

Deno.test("coaching: focus and message without a database", () => {
  const snapshot = {
    id: 1,
    user_id: "u",
    ts: AS_OF.toISOString(),
    overall: 86.4,
    components: { technical: 100, communication: 100, structure: 100, behavioral: 60 },
    band: "Strong",
    formula_version: "v",
    // deno-lint-ignore no-explicit-any -- meta is not read by the focus rule
    meta: {} as any,
  };
  const focus = focusComponent(snapshot, readinessConfig);
  assert.equal(focus?.component, "behavioral");
  assert.equal(focus?.weighted_gap, 8);
  assert.equal(
    coachingMessage(snapshot, { ...focus!, skill_tag: null, skill_label: null }, readinessConfig),
    "You're at 86; next we focus on behavioral.",
  );
  const perfect = {
    ...snapshot,
    overall: 100,
    components: { technical: 100, communication: 100, structure: 100, behavioral: 100 },
  };
  assert.equal(focusComponent(perfect, readinessConfig), null);
  assert.equal(
    coachingMessage(perfect, null, readinessConfig),
    "You're at 100; keep practising to stay there.",
  );
  const early = { ...snapshot, band: "Insufficient evidence" };
  assert.equal(
    coachingMessage(early, { ...focus!, skill_tag: null, skill_label: null }, readinessConfig),
    "You're at 86 so far, from only a few answers; next we focus on behavioral.",
  );
});

Deno.test("coaching: a focus decided by a gap difference below 0.005", () => {
  const base = {
    id: 1,
    user_id: "u",
    ts: AS_OF.toISOString(),
    overall: 70,
    band: "Nearly Ready",
    formula_version: "v",
    // deno-lint-ignore no-explicit-any -- only meta.exact is read
    meta: {} as any,
  };
  // technical 0.3 · (100 − 68.34) = 9.498; communication 0.3 · (100 − 68.33) = 9.501. Rounded to
  // 2 places both are 9.50 and config order would pick technical; exactly, communication wins.
  const stored = {
    ...base,
    components: { technical: 68.34, communication: 68.33, structure: 100, behavioral: 100 },
  };
  assert.equal(focusComponent(stored, readinessConfig)?.component, "communication");
  // Unrounded components recorded in meta decide over the stored 2-decimal ones: technical
  // 68.3333… (gap 9.5000…) beats communication 68.3366… (gap 9.4990…), though both show 68.33/68.34.
  const exact = {
    ...base,
    components: { technical: 68.33, communication: 68.34, structure: 100, behavioral: 100 },
    meta: { exact: { overall: "70", technical: "68.333333333333", communication: "68.3366" } },
  };
  // deno-lint-ignore no-explicit-any -- a partial meta is enough here
  assert.equal(focusComponent(exact as any, readinessConfig)?.component, "technical");
});

Deno.test("coaching: a 59.99…-average skill is persistently low", async () => {
  const db = await createTestDatabase();
  try {
    const u = crypto.randomUUID();
    // Each session averages 59.9966… (displayed 60.00): below 60, exactly.
    for (const days of [9, 6, 3]) {
      await recordSession(db.sql, u, days, { structure: [59.99, 60, 60] });
    }
    const low = await persistentlyLow(db.sql, u, readinessConfig);
    assert.deepEqual(low.map((l) => l.skill_tag), ["structure"]);
    assert.deepEqual(low[0].sessions.map((s) => s.score), [60, 60, 60]);
    await computeUserReadiness(db.sql, u, { config: readinessConfig });
    const coaching = await coachingFor(db.sql, u, readinessConfig);
    assert.equal(coaching.persistently_low.length, 1);
  } finally {
    await db.close();
  }
});
