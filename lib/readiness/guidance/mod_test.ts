import assert from "node:assert/strict";
import { Exact } from "../exact.ts";
import { buildGuidance, lowSkillList, missingEvidence, skillEvidence } from "./mod.ts";
import { DAY, snap, T0 } from "./snapshot_fixture.ts";
import { catalog, readinessConfig as config, rubrics } from "../../../tests/static_config.ts";

Deno.test("all six skills with evidence; skills without answers say so", () => {
  const skills = skillEvidence(
    [
      { skill_tag: "structure", avg_score: 47, sample_size: 5, session_count: 5 },
    ],
    config,
    catalog.skills,
  );
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
    "Your structure scores have stayed below 60 in your last 3 sessions with it (4 Nov 2026 to 18 Nov 2026: 50, 45, 40).",
  );
  // For a coach: third person, the learner's label, dates in the reader's zone.
  const staff = lowSkillList(
    [{
      skill_tag: "probe",
      label: "Probing",
      component: "technical",
      sessions: [
        { session_id: "a", ts: "2026-11-03T20:00:00.000Z", score: 55, total: "55", answers: 1 },
        { session_id: "b", ts: "2026-11-10T20:00:00.000Z", score: 59.7, total: "59.7", answers: 1 },
        { session_id: "c", ts: "2026-11-17T20:00:00.000Z", score: 57.5, total: "57.5", answers: 1 },
      ],
    }],
    60,
    { audience: "staff", name: "Maya", timeZone: "Asia/Kolkata" },
  );
  assert.equal(
    staff[0].text,
    "Maya's probing scores have stayed below 60 in their last 3 sessions with it (4 Nov 2026 to 18 Nov 2026: 55, 59.7, 58).",
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
  const skills = skillEvidence(
    [
      { skill_tag: "communication", avg_score: 60, sample_size: 3, session_count: 1 },
    ],
    config,
    catalog.skills,
  );
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
  const staff = { audience: "staff" as const, name: "Jonas", timeZone: "UTC" };
  assert.equal(
    missingEvidence(latest, skills, config, staff)[2],
    "1 session with structure questions to add structure to Jonas's score (it counts for 20%).",
  );
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
    skills: catalog.skills,
    coaching,
    history: [latest, previous],
    aggregates: [],
    config,
    rubrics,
    now: T0 + 11 * DAY,
  });
  assert.equal(g.acknowledgement, rubrics.acknowledgement);
  assert.equal(g.next_band, null);
  assert.equal(g.headline, "You're at 88: Strong, the top band.");
  assert.equal(g.projection.shown, false);
  assert.match(g.projection.reason!, /top band/);
  // Below the top band there is no acknowledgement.
  const developing = buildGuidance({
    skills: catalog.skills,
    coaching,
    history: [snap(1, 63.63, { communication: 63.63 })],
    aggregates: [],
    config,
    rubrics,
    now: T0 + 2 * DAY,
  });
  assert.equal(developing.acknowledgement, null);
  assert.equal(developing.headline, "You're at 64 (Developing): 6 points to Nearly Ready.");
});

/** Every sentence of a guidance (and its coaching message). */
function sentences(g: ReturnType<typeof buildGuidance>): string[] {
  return [
    g.headline,
    g.acknowledgement,
    g.next_step?.text,
    ...g.low_skills.map((l) => l.text),
    g.why_changed?.text,
    g.projection.text,
    g.projection.reason,
    ...g.missing,
  ].filter((s): s is string => typeof s === "string");
}

Deno.test("staff read the third person with the learner's label; no you or your", () => {
  const history = [0, 1, 2, 3, 4].map((i) =>
    snap(i * 3.5, 80 + i, { communication: 80 + i, technical: 78 + i }, {
      band: "Nearly Ready",
    })
  ).reverse();
  const coaching = {
    latest: history[0],
    persistently_low: [{
      skill_tag: "probe",
      label: "Probing",
      component: "technical" as const,
      sessions: [1, 2, 3].map((d) => ({
        session_id: `s${d}`,
        ts: new Date(T0 + d * DAY).toISOString(),
        score: 50,
        total: "50",
        answers: 1,
      })),
    }],
    low_skill_rule: { threshold: 60, sessions: 3, description: "" },
    focus: {
      component: "technical" as const,
      label: "Technical",
      score: 82,
      weight: 0.3,
      weighted_gap: 5.4,
      skill_tag: "system_design",
      skill_label: "System design",
    },
    message: "",
  };
  const aggregates = [
    { skill_tag: "system_design", avg_score: 55.5, sample_size: 6, session_count: 3 },
  ];
  const input = {
    coaching,
    history,
    aggregates,
    config,
    rubrics,
    skills: catalog.skills,
    now: T0 + 15 * DAY,
  };
  const staff = buildGuidance({
    ...input,
    reader: { audience: "staff", name: "Maya", timeZone: "America/Los_Angeles" },
  });
  assert.equal(staff.audience, "staff");
  assert.equal(staff.headline, "Maya is at 84 (Nearly Ready): 1 point to Strong.");
  assert.match(staff.next_step!.text, /^Maya should start every design question/);
  assert.match(staff.low_skills[0].text, /^Maya's probing scores/);
  assert.match(staff.why_changed!.text, /^Maya's score went up 1 point since/);
  assert.match(staff.projection.text!, /^At this pace Maya reaches 85/);
  for (const s of sentences(staff)) assert.doesNotMatch(s, /\byou(r|'re)?\b/i, s);
  // The learner reads the same in the second person.
  const learner = buildGuidance(input);
  assert.equal(learner.audience, "learner");
  assert.equal(learner.headline, "You're at 84 (Nearly Ready): 1 point to Strong.");
  assert.match(learner.next_step!.text, /^Start every design question/);
  // Every rubric sentence for staff is in the third person.
  for (const skill of Object.values(rubrics.skills)) {
    for (const step of skill.next_steps) assert.doesNotMatch(step.staff, /\byour?\b/i);
  }
  assert.doesNotMatch(rubrics.acknowledgement_staff, /\byour?\b/i);
});

Deno.test("a number never contradicts its band; no next step from thin evidence", () => {
  const latest = snap(1, 69.6, { communication: 69.6 });
  const coaching = {
    latest,
    persistently_low: [],
    low_skill_rule: { threshold: 60, sessions: 3, description: "" },
    focus: {
      component: "communication" as const,
      label: "Communication",
      score: 69.6,
      weight: 0.3,
      weighted_gap: 9.12,
      skill_tag: "communication",
      skill_label: "Communication",
    },
    message: "",
  };
  const g = (
    aggregates: {
      skill_tag: string;
      avg_score: number;
      sample_size: number;
      session_count: number;
    }[],
  ) =>
    buildGuidance({
      skills: catalog.skills,
      coaching,
      history: [latest],
      aggregates,
      config,
      rubrics,
      now: T0 + 2 * DAY,
    });
  // One answer on the focus skill: no next step chosen from it.
  const thin = g([{
    skill_tag: "communication",
    avg_score: 69.6,
    sample_size: 1,
    session_count: 1,
  }]);
  assert.equal(thin.headline, "You're at 69.6 (Developing): 0.4 points to Nearly Ready.");
  assert.equal(thin.next_step, null);
  const enough = g([{
    skill_tag: "communication",
    avg_score: 69.6,
    sample_size: 5,
    session_count: 2,
  }]);
  assert.equal(enough.next_step?.skill_tag, "communication");
});
