import assert from "node:assert/strict";
import {
  AS_OF,
  daysBefore,
  recordLearnerA,
  recordSession,
} from "../../../tests/readiness_fixtures.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { loadReadinessConfig } from "../config.ts";
import { listSnapshots } from "../read/history.ts";
import { UnknownLearnerError } from "../snapshot.ts";
import { computeUserReadiness } from "./snapshots.ts";
import { readinessConfig } from "../../../tests/static_config.ts";

Deno.test("computeUserReadiness", async (step) => {
  const db = await createTestDatabase();
  try {
    const a = crypto.randomUUID();
    await recordLearnerA(db.sql, a);

    await step.step("learner A: components, overall, band and meta by hand", async () => {
      // As of the learner's latest evidence: the last answer of the last session (3 answers).
      const r = await computeUserReadiness(db.sql, a, { config: readinessConfig, trigger: "test" });
      // last_5_sessions averages (see aggregates_test): communication 77.5, technical_depth 60,
      // system_design 80, probe 65, structure 50, behavioral_examples 60.
      assert.deepEqual(r.components, {
        technical: 68.33, // (60 + 80 + 65) / 3 = 68.333…
        communication: 77.5,
        structure: 50,
        behavioral: 60,
      });
      // 0.3 · 77.5 + 0.3 · 68.33 + 0.2 · 50 + 0.2 · 60 = 23.25 + 20.499 + 10 + 12 = 65.749
      assert.equal(r.overall, 65.75);
      assert.equal(r.band, "Developing");
      assert.equal(r.delta, null);
      assert.equal(r.previous_overall, null);
      assert.equal(r.ts, new Date(daysBefore(1).getTime() + 2 * 60_000).toISOString());
      // A later moment with the same evidence and figures writes nothing.
      const later = await computeUserReadiness(db.sql, a, { config: readinessConfig, asOf: AS_OF });
      assert.equal(later.written, false);
      assert.equal(later.id, r.id);
      assert.equal(r.formula_version, readinessConfig.formula_version);
      assert.deepEqual(r.meta.evidence, {
        technical: { answers: 6, sessions: 3 }, // 3 + 1 + 2 answers; technical_depth in 3 sessions
        communication: { answers: 6, sessions: 5 },
        structure: { answers: 3, sessions: 3 },
        behavioral: { answers: 2, sessions: 2 },
      });
      assert.deepEqual(r.meta.evidence_total, { answers: 17, sessions: 5 });
      assert.equal(r.meta.sufficient_evidence, true);
      assert.deepEqual(r.meta.missing_components, []);
      assert.equal(r.meta.renormalised, false);
      assert.deepEqual(r.meta.weights, {
        technical: 0.3,
        communication: 0.3,
        structure: 0.2,
        behavioral: 0.2,
      });
      assert.equal(r.meta.window, "last_5_sessions");
      assert.equal(r.meta.trigger, "test");
      const [stored] = await listSnapshots(db.sql, a, 5);
      assert.deepEqual(stored, {
        id: r.id,
        user_id: a,
        ts: r.ts,
        overall: 65.75,
        components: r.components,
        band: "Developing",
        formula_version: r.formula_version,
        meta: r.meta,
      });
    });

    await step.step(
      "a new session: new snapshot dated by its last answer, with delta",
      async () => {
        const sessionStart = daysBefore(0.5);
        await recordSession(db.sql, a, 0.5, { communication: [95], structure: [80] });
        // Default moment: the learner's latest evidence (the new session's second answer).
        const r = await computeUserReadiness(db.sql, a, { config: readinessConfig });
        assert.equal(r.ts, new Date(sessionStart.getTime() + 60_000).toISOString());
        // communication, last 5 sessions S4–S8: (65 + 75 + 85 + 90 + 80 + 95) / 6 = 81.666…
        // structure S2, S4, S6, S8: (55 + 45 + 50 + 80) / 4 = 57.5
        assert.equal(r.components.communication, 81.67);
        assert.equal(r.components.structure, 57.5);
        // Exact components: 0.3 · 81.666… + 0.3 · 68.333… + 0.2 · 57.5 + 0.2 · 60 = 68.5
        assert.equal(r.overall, 68.5);
        assert.equal(r.meta.exact?.overall, "68.5");
        assert.equal(r.previous_overall, 65.75);
        assert.equal(r.delta, 2.75);
        assert.equal(r.meta.trigger, "manual");
        assert.equal(r.written, true);
        assert.deepEqual((await listSnapshots(db.sql, a, 5)).map((s) => s.overall), [68.5, 65.75]);
      },
    );

    await step.step("nothing new: computing again writes nothing", async () => {
      const before = await listSnapshots(db.sql, a, 10);
      const again = await computeUserReadiness(db.sql, a, {
        config: readinessConfig,
        trigger: "again",
      });
      assert.equal(again.written, false);
      assert.equal(again.id, before[0].id);
      assert.equal(again.meta.trigger, "manual");
      assert.deepEqual(await listSnapshots(db.sql, a, 10), before);
    });

    await step.step("a formula change corrects the snapshot of the same moment", async () => {
      const config = loadReadinessConfig({
        ...readinessConfig,
        formula_version: "test-comm-heavy",
        components: {
          ...readinessConfig.components,
          communication: { ...readinessConfig.components.communication, weight: 0.4 },
          technical: { ...readinessConfig.components.technical, weight: 0.2 },
        },
      });
      const r = await computeUserReadiness(db.sql, a, { config });
      // 0.4 · 81.666… + 0.2 · 68.333… + 0.2 · 57.5 + 0.2 · 60 = 32.666… + 13.666… + 23.5 = 69.8333…
      assert.equal(r.overall, 69.83);
      assert.equal(r.formula_version, "test-comm-heavy");
      assert.equal(r.meta.weights.communication, 0.4);
      assert.equal(r.written, true);
      assert.equal(r.delta, 4.08); // 69.83 − 65.75, the snapshot before this moment
      assert.deepEqual((await listSnapshots(db.sql, a, 5)).map((s) => s.overall), [69.83, 65.75]);
      const back = await computeUserReadiness(db.sql, a, { config: readinessConfig });
      assert.equal(back.overall, 68.5);
      assert.equal(back.id, r.id);
    });

    await step.step("a missing component is left out and the weights renormalised", async () => {
      const b = crypto.randomUUID();
      await recordSession(db.sql, b, 4, { communication: [80, 90], technical_depth: [70] });
      await recordSession(db.sql, b, 2, { communication: [85], technical_depth: [70] });
      const r = await computeUserReadiness(db.sql, b, { config: readinessConfig, asOf: AS_OF });
      // communication (80 + 90 + 85) / 3 = 85; technical 70; no structure, no behavioral:
      // (0.3 · 85 + 0.3 · 70) / (0.3 + 0.3) = 46.5 / 0.6 = 77.5
      assert.deepEqual(r.components, {
        technical: 70,
        communication: 85,
        structure: null,
        behavioral: null,
      });
      assert.equal(r.overall, 77.5);
      assert.equal(r.band, "Nearly Ready");
      assert.deepEqual(r.meta.missing_components, ["structure", "behavioral"]);
      assert.equal(r.meta.renormalised, true);
      assert.deepEqual(r.meta.effective_weights, { technical: 0.5, communication: 0.5 });
      assert.deepEqual(r.meta.evidence_total, { answers: 5, sessions: 2 });
    });

    await step.step("too little evidence → 'Insufficient evidence' band", async () => {
      const c = crypto.randomUUID();
      await recordSession(db.sql, c, 1, {
        communication: [90],
        technical_depth: [90],
        structure: [90],
        behavioral_examples: [90],
      });
      const r = await computeUserReadiness(db.sql, c, { config: readinessConfig, asOf: AS_OF });
      // 4 answers < 5 and 1 session < 2: the score is computed but not banded.
      assert.equal(r.overall, 90);
      assert.equal(r.band, "Insufficient evidence");
      assert.equal(r.meta.sufficient_evidence, false);
      // The thresholds come from config: with a lower bar the same evidence is enough.
      const lenient = loadReadinessConfig({
        ...readinessConfig,
        minimum_evidence: { ...readinessConfig.minimum_evidence, answers: 4, sessions: 1 },
      });
      const again = await computeUserReadiness(db.sql, c, { config: lenient, asOf: AS_OF });
      assert.equal(again.band, "Strong");
      assert.equal(again.written, true);
      assert.equal(again.id, r.id, "the same moment, corrected");
    });

    await step.step(
      "a learner without events: empty snapshot; unknown learner: error",
      async () => {
        const d = crypto.randomUUID();
        await db.sql`insert into analytics.learners (user_id) values (${d})`;
        const r = await computeUserReadiness(db.sql, d, { config: readinessConfig });
        assert.equal(r.overall, null);
        assert.equal(r.band, "Insufficient evidence");
        assert.deepEqual(r.meta.missing_components, [
          "technical",
          "communication",
          "structure",
          "behavioral",
        ]);
        const unknown = crypto.randomUUID();
        await assert.rejects(
          () => computeUserReadiness(db.sql, unknown, { config: readinessConfig }),
          UnknownLearnerError,
        );
        assert.deepEqual(await listSnapshots(db.sql, unknown, 5), []);
      },
    );
  } finally {
    await db.close();
  }
});
