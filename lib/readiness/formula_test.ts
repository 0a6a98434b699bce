import assert from "node:assert/strict";
import { loadReadinessConfig } from "./config.ts";
import { bandFor, round2, scoreReadiness, type SkillAverage } from "./formula.ts";
import { readinessConfig } from "../../tests/static_config.ts";

const skill = (skill_tag: string, avg_score: number, sample_size = 3, session_count = 3) => ({
  skill_tag,
  avg_score,
  sample_size,
  session_count,
} satisfies SkillAverage);

Deno.test("bands: thresholds from config, lower bound inclusive", () => {
  const cases: [number, string][] = [
    [0, "Emerging"],
    [39.99, "Emerging"],
    [40, "Developing"],
    [69.99, "Developing"],
    [70, "Nearly Ready"],
    [84.99, "Nearly Ready"],
    [85, "Strong"],
    [100, "Strong"],
  ];
  for (const [score, band] of cases) {
    assert.equal(bandFor(readinessConfig, score), band, `${score}`);
  }
  const two = loadReadinessConfig({
    ...readinessConfig,
    bands: [{ min: 0, label: "Not yet" }, { min: 50, label: "Ready" }],
  });
  assert.equal(bandFor(two, 49.99), "Not yet");
  assert.equal(bandFor(two, 50), "Ready");
});

Deno.test("scoreReadiness: components are the mean of their skills; overall the weighted mean", () => {
  const s = scoreReadiness(
    [
      skill("technical_depth", 90),
      skill("probe", 70),
      skill("communication", 40),
      skill("structure", 55.5),
      skill("behavioral_examples", 100),
    ],
    readinessConfig,
    { trigger: "t" },
  );
  // technical (90 + 70) / 2 = 80; 0.3 · 80 + 0.3 · 40 + 0.2 · 55.5 + 0.2 · 100 = 24 + 12 + 11.1 + 20
  assert.deepEqual(s.components, {
    technical: 80,
    communication: 40,
    structure: 55.5,
    behavioral: 100,
  });
  assert.equal(s.overall, 67.1);
  assert.equal(s.band, "Developing");
  assert.deepEqual(s.meta.evidence.technical, { answers: 6, sessions: 3 });
  assert.equal(s.meta.as_of, undefined);
});

Deno.test("scoreReadiness: only one component → it is the overall, with weight 1", () => {
  const s = scoreReadiness([skill("structure", 72.25, 6, 2)], readinessConfig, { trigger: "t" });
  assert.equal(s.overall, 72.25);
  assert.equal(s.band, "Nearly Ready");
  assert.deepEqual(s.meta.effective_weights, { structure: 1 });
  assert.deepEqual(s.meta.missing_components, ["technical", "communication", "behavioral"]);
});

Deno.test("scoreReadiness: minimum evidence needs both answers and sessions", () => {
  const { answers, sessions } = readinessConfig.minimum_evidence;
  const band = (n: number, k: number) =>
    scoreReadiness([skill("communication", 90, n, k)], readinessConfig, { trigger: "t" }).band;
  assert.equal(band(answers, sessions), "Strong");
  assert.equal(band(answers - 1, sessions), "Insufficient evidence");
  assert.equal(band(answers, sessions - 1), "Insufficient evidence");
  const none = scoreReadiness([], readinessConfig, { trigger: "t" });
  assert.equal(none.overall, null);
  assert.equal(none.band, "Insufficient evidence");
  assert.deepEqual(none.meta.evidence_total, { answers: 0, sessions: 0 });
  assert.deepEqual(none.meta.effective_weights, {});
});

Deno.test("scoreReadiness: present components with zero weight give no overall", () => {
  const config = loadReadinessConfig({
    ...readinessConfig,
    components: {
      technical: { ...readinessConfig.components.technical, weight: 1 },
      communication: { ...readinessConfig.components.communication, weight: 0 },
      structure: { ...readinessConfig.components.structure, weight: 0 },
      behavioral: { ...readinessConfig.components.behavioral, weight: 0 },
    },
  });
  const s = scoreReadiness([skill("communication", 80)], config, { trigger: "t" });
  assert.equal(s.components.communication, 80);
  assert.equal(s.overall, null);
  assert.deepEqual(s.meta.effective_weights, {});
});

Deno.test("round2", () => {
  assert.equal(round2(65.749), 65.75);
  assert.equal(round2(1.005), 1.01);
  assert.equal(round2(-0.004), 0);
  assert.equal(round2(69.995), 70);
  assert.equal(round2(-1.005), -1.01);
  assert.equal(round2("59.9966666"), 60);
});

Deno.test("scoreReadiness: exact arithmetic, rounded once (69.995 → 70.00 Nearly Ready)", () => {
  // Six answers 69.99, 70.00, … average exactly 69.995: published as 70.00, banded as 70.00.
  const s = scoreReadiness(
    [{
      skill_tag: "communication",
      avg_score: 70,
      score_total: "419.97",
      sample_size: 6,
      session_count: 2,
    }],
    readinessConfig,
    { trigger: "t" },
  );
  assert.equal(s.components.communication, 70);
  assert.equal(s.overall, 70);
  assert.equal(s.band, "Nearly Ready");
  assert.equal(s.meta.exact?.overall, "69.995");
  // Components are not rounded before the overall: 0.3 · 68.333… + 0.3 · 71.666… = 42 → 70.
  const t = scoreReadiness(
    [
      {
        skill_tag: "technical_depth",
        avg_score: 68.33,
        score_total: "205",
        sample_size: 3,
        session_count: 3,
      },
      {
        skill_tag: "communication",
        avg_score: 71.67,
        score_total: "215",
        sample_size: 3,
        session_count: 3,
      },
    ],
    readinessConfig,
    { trigger: "t" },
  );
  assert.equal(t.overall, 70);
  assert.equal(t.meta.exact?.overall, "70");
});
