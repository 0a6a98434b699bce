import assert from "node:assert/strict";
import { catalog } from "../static_config.ts";
import { readinessConfig as config } from "./config.ts";
import {
  buildGuidance,
  lowSkillList,
  missingEvidence,
  nextBand,
  nextStepFor,
  projectReadiness,
  rubrics,
  rubricsSchema,
  skillEvidence,
  whyChanged,
} from "./guidance.ts";
import type { Snapshot } from "./snapshots.ts";
import { Exact } from "./exact.ts";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse("2026-10-01T09:00:00Z");

function snap(
  days: number,
  overall: number | null,
  components: Partial<Snapshot["components"]> = {},
  extra: Partial<Snapshot> = {},
): Snapshot {
  const present = Object.entries(components).filter(([, v]) => v !== null).map(([k]) => k);
  const weightSum = present.reduce(
    (s, c) => s + config.components[c as keyof typeof config.components].weight,
    0,
  );
  return {
    id: days,
    user_id: "u",
    ts: new Date(T0 + days * DAY).toISOString(),
    overall,
    components: {
      technical: null,
      communication: null,
      structure: null,
      behavioral: null,
      ...components,
    },
    band: overall === null ? "Insufficient evidence" : "Developing",
    formula_version: config.formula_version,
    meta: {
      formula_version: config.formula_version,
      weights: { technical: 0.3, communication: 0.3, structure: 0.2, behavioral: 0.2 },
      effective_weights: Object.fromEntries(
        present.map((c) => [
          c,
          Math.round(
            config.components[c as keyof typeof config.components].weight / weightSum *
              1e6,
          ) / 1e6,
        ]),
      ),
      window: "last_5_sessions",
      evidence: {} as never,
      evidence_total: { answers: 20, sessions: 5 },
      sufficient_evidence: true,
      missing_components: [],
      renormalised: false,
      trigger: "test",
    },
    ...extra,
  };
}

Deno.test("points to the next band, exactly; none in the top band", () => {
  assert.deepEqual(nextBand(63.63, config), { label: "Nearly Ready", min: 70, points: 6.37 });
  // 69.99 is still Developing: 0.01 points to go, not a float like 0.010000000000005116.
  assert.deepEqual(nextBand(69.99, config), { label: "Nearly Ready", min: 70, points: 0.01 });
  // On a threshold: that band is reached, the next one is the target.
  assert.deepEqual(nextBand(70, config), { label: "Strong", min: 85, points: 15 });
  assert.equal(nextBand(85, config), null);
  assert.equal(nextBand(null, config), null);
});

Deno.test("the next step comes from the rubric by score", () => {
  assert.match(nextStepFor(rubrics, "structure", 59.99)!, /Announce your structure/);
  assert.match(nextStepFor(rubrics, "structure", 60)!, /one-sentence summary/);
  assert.match(nextStepFor(rubrics, "structure", 100)!, /interrupted/);
  assert.equal(nextStepFor(rubrics, "unknown", 50), null);
});

Deno.test("rubrics.json is validated: every skill, increasing thresholds, 100 covered", () => {
  const schema = rubricsSchema(catalog.skillTags);
  assert.ok(schema.safeParse(rubrics).success);
  const { structure: _, ...withoutStructure } = rubrics.skills;
  const missing = schema.safeParse({ ...rubrics, skills: withoutStructure });
  assert.equal(missing.success, false);
  assert.deepEqual(missing.error!.issues[0].path, ["skills", "structure"]);
  const unordered = schema.safeParse({
    ...rubrics,
    skills: {
      ...rubrics.skills,
      probe: {
        next_steps: [{ below: 80, text: "ten chars or more" }, {
          below: 60,
          text: "ten chars or more",
        }],
      },
    },
  });
  assert.equal(unordered.success, false);
  assert.match(JSON.stringify(unordered.error!.issues), /must increase/);
  assert.match(JSON.stringify(unordered.error!.issues), /must cover a score of 100/);
});

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

Deno.test("why it changed: the delta split by component, adding up exactly", () => {
  // Before: communication 70, technical 60, structure 50, behavioral 40 (weights .3 .3 .2 .2)
  // overall 21 + 18 + 10 + 8 = 57. After: communication 75, technical 60, structure 45,
  // behavioral 52.5 → 22.5 + 18 + 9 + 10.5 = 60. Parts: +1.5, 0, −1, +2.5 → +3.
  const before = snap(0, 57, { communication: 70, technical: 60, structure: 50, behavioral: 40 });
  const after = snap(3, 60, {
    communication: 75,
    technical: 60,
    structure: 45,
    behavioral: 52.5,
  });
  const why = whyChanged(after, before, config)!;
  assert.deepEqual(
    why.parts.map((p) => [p.component, p.contribution]),
    [["technical", 0], ["communication", 1.5], ["structure", -1], ["behavioral", 2.5]],
  );
  assert.equal(why.delta, 3);
  assert.equal(why.rounding, 0);
  assert.equal(
    why.text,
    "Your score went up 3 points since 1 Oct 2026: behavioral +2.5, communication +1.5, structure \u22121.",
  );
});

Deno.test("why it changed: a new component renormalises the weights; rounding is reported", () => {
  // Before: communication 85, technical 70 only → weights .5/.5 → 77.5.
  // After: + structure 40 → weights .375/.375/.25 → 31.875 + 26.25 + 10 = 68.125 → 68.13.
  // Parts: communication .375·85 − .5·85 = −10.625 → −10.63; technical .375·70 − .5·70 = −8.75;
  // structure +10. Sum −9.38, delta 68.13 − 77.5 = −9.37: rounding +0.01.
  const before = snap(0, 77.5, { communication: 85, technical: 70 });
  const after = snap(1, 68.13, { communication: 85, technical: 70, structure: 40 });
  const why = whyChanged(after, before, config)!;
  assert.deepEqual(
    why.parts.map((p) => p.contribution),
    [-8.75, -10.63, 10, 0],
  );
  assert.equal(why.delta, -9.37);
  assert.equal(why.rounding, 0.01);
  assert.match(why.text, /^Your score went down 9.37 points/);
});

Deno.test("why it changed: nothing to compare before two scored snapshots", () => {
  assert.equal(whyChanged(snap(1, 60, { communication: 60 }), null, config), null);
  assert.equal(whyChanged(snap(1, 60, { communication: 60 }), snap(0, null), config), null);
});

Deno.test("projection: a straight line of 5 snapshots over 14 days, hand-computed", () => {
  // overall 50, 52, 54, 56, 58 at days 0, 3.5, 7, 10.5, 14: slope 4/7 points per day = 4 per
  // week, residuals 0 → standard error 0. From 58 to 70: 12 / (4/7) = 21 days after day 14 →
  // day 35 = 5 Nov 2026 (T0 is 1 Oct 09:00).
  const history = [0, 1, 2, 3, 4].map((i) => snap(i * 3.5, 50 + 2 * i)).reverse();
  const p = projectReadiness(history, config, rubrics);
  assert.equal(p.shown, true);
  assert.equal(p.points_per_week, 4);
  assert.equal(p.target, 70);
  assert.equal(p.date, "2026-11-05");
  assert.equal(p.earliest, "2026-11-05");
  assert.equal(p.latest, "2026-11-05");
  assert.match(p.text!, /^At this pace you reach 70 \(Nearly Ready\) around 5 Nov 2026/);
});

Deno.test("projection abstains and says what is missing", () => {
  // 4 snapshots over 14 days: one short.
  const four = [0, 1, 2, 3].map((i) => snap(i * 14 / 3, 50 + i)).reverse();
  const a = projectReadiness(four, config, rubrics);
  assert.equal(a.shown, false);
  assert.match(
    a.reason!,
    /1 more session \(it needs 5 snapshots over at least 14 days; you have 4/,
  );
  // 5 snapshots over 13 days: one more day.
  const short = [0, 1, 2, 3, 4].map((i) => snap(i * 13 / 4, 50 + i)).reverse();
  assert.match(projectReadiness(short, config, rubrics).reason!, /1 more day of practice/);
  // Flat: slope 0.
  const flat = [0, 1, 2, 3, 4].map((i) => snap(i * 4, 55)).reverse();
  const f = projectReadiness(flat, config, rubrics);
  assert.equal(f.shown, false);
  assert.equal(f.points_per_week, 0);
  assert.match(f.reason!, /flat or going down/);
  // Too slow: 0.7 points per week, 14 points from 70 = 140 days > 120.
  const slow = [0, 1, 2, 3, 4].map((i) => snap(i * 5, 55 + i * 0.5)).reverse();
  assert.match(projectReadiness(slow, config, rubrics).reason!, /more than 120 days away/);
  // Insufficient-evidence snapshots do not count.
  const insufficient = [0, 1, 2, 3, 4].map((i) =>
    snap(i * 5, 50 + i, {}, { band: "Insufficient evidence" })
  ).reverse();
  assert.match(projectReadiness(insufficient, config, rubrics).reason!, /No scored readiness/);
  // Snapshots older than the lookback (60 days before the latest) are left out.
  const old = [snap(0, 40), snap(10, 42), snap(20, 44), snap(30, 46), snap(100, 60)].reverse();
  const o = projectReadiness(old, config, rubrics);
  assert.equal(o.snapshots_used, 1);
  assert.equal(o.shown, false);
});

Deno.test("projection: a noisy trend gives a range around the date", () => {
  // y = 50, 54, 52, 56, 54, 58 at days 0..25 step 5: Sxy = 110, Sxx = 437.5, slope 0.25143
  // per day = 1.76 per week; the residuals are not 0, so the range is not a single day.
  const ys = [50, 54, 52, 56, 54, 58];
  const history = ys.map((y, i) => snap(i * 5, y)).reverse();
  const p = projectReadiness(history, config, rubrics);
  assert.equal(p.shown, true);
  assert.equal(p.points_per_week, 1.76);
  assert.ok(p.earliest! < p.date!);
  assert.ok(p.latest === null || p.latest > p.date!);
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
