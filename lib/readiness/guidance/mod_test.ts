import assert from "node:assert/strict";
import { Exact } from "../exact.ts";
import { buildGuidance, lowSkillList, missingEvidence, skillEvidence } from "./mod.ts";
import { DAY, snap, T0 } from "./snapshot_fixture.ts";
import { readinessConfig as config, rubrics } from "../../shipped_config.ts";

Deno.test("all six skills with evidence; skills without answers say so", () => {
  const skills = skillEvidence([
    { skill_tag: "structure", avg_score: 47, sample_size: 5, session_count: 5 },
  ], config);
  assert.equal(skills.length, 6);
  assert.deepEqual(skills.find((s) => s.skill_tag === "structure"), {
    skill_tag: "structure",
    label: "Structure",
    component: "structure",
    avg_score: 47,
    answers: 5,
    sessions: 5,
  });
  assert.deepEqual(skills.find((s) => s.skill_tag === "probe"), {
    skill_tag: "probe",
    label: "Probing",
    component: "technical",
    avg_score: null,
    answers: 0,
    sessions: 0,
  });
});

Deno.test("persistently low skills: most urgent first, dated, second person", () => {
  const list = lowSkillList([
    {
      skill_tag: "probe",
      label: "Probing",
      component: "technical",
      sessions: [
        { session_id: "a", ts: "2026-11-03T10:00:00.000Z", score: 55, total: "55", answers: 1 },
        { session_id: "b", ts: "2026-11-10T10:00:00.000Z", score: 58, total: "58", answers: 1 },
        { session_id: "c", ts: "2026-11-17T10:00:00.000Z", score: 57.5, total: "57.5", answers: 1 },
      ],
    },
    {
      skill_tag: "structure",
      label: "Structure",
      component: "structure",
      sessions: [
        { session_id: "d", ts: "2026-11-04T10:00:00.000Z", score: 50, total: "50", answers: 1 },
        { session_id: "e", ts: "2026-11-11T10:00:00.000Z", score: 45, total: "45", answers: 1 },
        {
          session_id: "f",
          ts: "2026-11-18T10:00:00.000Z",
          score: 40.01,
          total: "40.01",
          answers: 1,
        },
      ],
    },
  ], 60);
  assert.deepEqual(list.map((l) => [l.priority, l.skill_tag, l.mean]), [
    // (50 + 45 + 40.01) / 3 = 45.00333… → 45; (55 + 58 + 57.5) / 3 = 56.8333… → 56.83
    [1, "structure", 45],
    [2, "probe", 56.83],
  ]);
  assert.equal(
    list[0].text,
    "Your structure scores have stayed below 60 in your last 3 sessions with it (4 Nov 2026 to 18 Nov 2026: 50, 45, 40.01).",
  );
});

Deno.test("persistently low skills are ranked on exact means, not the rounded ones", () => {
  const session = (id: string, day: number, total: string, answers: number) => ({
    session_id: id,
    ts: new Date(T0 + day * DAY).toISOString(),
    score: Exact.ratio(total, answers).round2(),
    total,
    answers,
  });
  const list = lowSkillList([
    // Session averages 45, 45.01, 45 (exact) → mean 45.00333…; the most recent of the two.
    {
      skill_tag: "probe",
      label: "Probing",
      component: "technical",
      sessions: [session("a", 1, "45", 1), session("b", 8, "45.01", 1), session("c", 15, "45", 1)],
    },
    // Session averages 45.0075 (shows as 45.01), 45, 45 → mean 45.0025: lower, so first, though
    // the shown averages (45.01, 45, 45) would rank it with the other and the tie would go to the
    // most recent.
    {
      skill_tag: "structure",
      label: "Structure",
      component: "structure",
      sessions: [
        session("d", 0, "180.03", 4),
        session("e", 7, "45", 1),
        session("f", 14, "45", 1),
      ],
    },
  ], 60);
  assert.deepEqual(list.map((l) => [l.priority, l.skill_tag, l.mean]), [
    [1, "structure", 45],
    [2, "probe", 45],
  ]);
});

Deno.test("missing evidence in plain words", () => {
  const skills = skillEvidence([
    { skill_tag: "communication", avg_score: 60, sample_size: 3, session_count: 1 },
  ], config);
  const latest = snap(0, 60, { communication: 60 });
  latest.meta = {
    ...latest.meta,
    evidence_total: { answers: 3, sessions: 1 },
    sufficient_evidence: false,
    missing_components: ["structure"],
  };
  assert.deepEqual(missingEvidence(latest, skills, config), [
    "2 more scored answers for a readiness band.",
    "1 more session with communication questions for a readiness band.",
    "1 session with structure questions to add structure to your score (it counts for 20%).",
  ]);
  assert.match(missingEvidence(null, skills, config)[0], /needs 5 scored answers/);
});

Deno.test("top band: acknowledgement, no next band, no projection", () => {
  const latest = snap(10, 87.76, { communication: 90, technical: 86 }, { band: "Strong" });
  const previous = snap(5, 87.09, { communication: 89, technical: 85.5 }, { band: "Strong" });
  const coaching = {
    latest,
    persistently_low: [],
    low_skill_rule: { threshold: 60, sessions: 3, description: "" },
    focus: null,
    message: "",
  };
  const g = buildGuidance({
    coaching,
    history: [latest, previous],
    aggregates: [],
    config,
    rubrics,
  });
  assert.equal(g.acknowledgement, rubrics.acknowledgement);
  assert.equal(g.next_band, null);
  assert.equal(g.headline, "You're at 87.76: Strong, the top band.");
  assert.equal(g.projection.shown, false);
  assert.match(g.projection.reason!, /top band/);
  // Below the top band there is no acknowledgement.
  const developing = buildGuidance({
    coaching,
    history: [snap(1, 63.63, { communication: 63.63 })],
    aggregates: [],
    config,
    rubrics,
  });
  assert.equal(developing.acknowledgement, null);
  assert.equal(developing.headline, "You're at 63.63 (Developing): 6.37 points to Nearly Ready.");
});
