/**
 * The cohort operations on a hand-built cohort whose every figure is worked out below: overview,
 * skills, band movement, needs attention, their CSV, filters, boundaries at `from` and `to`, roles.
 */
import assert from "node:assert/strict";
import { cohortAttention, cohortSkills, resolveFilters } from "../../../lib/cohorts/mod.ts";
import { attentionSql } from "../../../lib/cohorts/attention.ts";
import type { Sql } from "../../../lib/db/mod.ts";
import { listDirectory } from "../../../lib/learners/directory.ts";
import { refreshDirectory } from "../../../lib/learners/directory_rows.ts";
import { refreshLatest } from "../../../lib/readiness/mod.ts";
import { refreshActivity } from "../../../lib/sessions/activity.ts";
import { startTestApp } from "../../../tests/harness.ts";
import { assertInvalid } from "../../../tests/readiness_fixtures.ts";
import { lowRule, shipped } from "../../../tests/static_config.ts";

const FROM = "2026-11-01T00:00:00.000Z";
const TO = "2026-11-29T00:00:00.000Z";
const PERIOD = `from=${FROM}&to=${TO}`;

// Fixed ids, so the order by user_id is known: A < B < C < D < E.
const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const [A, B, C, D, E] = [1, 2, 3, 4, 5].map(id);
const S = (user: string, n: number) =>
  `${user.slice(0, -2)}${String(n).padStart(2, "0")}`.replace(
    "4000-8000",
    "4000-9000",
  );

/** [learner, session, answer, ts, skill, score]. */
type Row = [string, number, string, string, string, number];

// The answers. Per-session averages on communication, in the period [Nov 1, Nov 29):
//   A: S1 (50 + 60) / 2 = 55, S2 70, S3 (65 + 66 + 67) / 3 = 66   first 55, latest 66, best 70
//   B: S1 40, S2 (45 + 50) / 2 = 47.5                              first 40, latest 47.5, best 47.5
//   C: S1 80 (one session: not in the lift)                        first = latest = best 80
//   D: S1 30 (at exactly `from`: inside), S2 20                    first 30, latest 20, best 30
// Outside the period: A's S0 (Oct 20) and B's S0 (Oct 25); A's S4 at exactly `to` (100).
const ANSWERS: Row[] = [
  [A, 0, "a1", "2026-10-20T10:00:00Z", "communication", 10],
  [A, 1, "a1", "2026-11-02T10:00:00Z", "communication", 50],
  [A, 1, "a1", "2026-11-02T10:00:00Z", "structure", 40],
  [A, 1, "a2", "2026-11-02T10:05:00Z", "communication", 60],
  [A, 2, "a1", "2026-11-10T10:00:00Z", "communication", 70],
  [A, 3, "a1", "2026-11-20T10:00:00Z", "communication", 65],
  [A, 3, "a2", "2026-11-20T10:01:00Z", "communication", 66],
  [A, 3, "a3", "2026-11-20T10:02:00Z", "communication", 67],
  [A, 4, "a1", TO, "communication", 100],
  [B, 0, "a1", "2026-10-25T10:00:00Z", "communication", 50],
  [B, 1, "a1", "2026-11-03T10:00:00Z", "communication", 40],
  [B, 2, "a1", "2026-11-14T23:00:00Z", "communication", 45],
  [B, 2, "a2", "2026-11-14T23:01:00Z", "communication", 50],
  [C, 9, "a1", "2026-10-31T23:59:00Z", "probe", 90],
  [C, 9, "a2", "2026-11-01T00:01:00Z", "probe", 50],
  [C, 1, "a1", "2026-11-05T10:00:00Z", "communication", 80],
  [D, 1, "a1", FROM, "communication", 30],
  [D, 2, "a1", "2026-11-07T10:00:00Z", "communication", 20],
];

/** [learner, ts, overall, band, sufficient evidence]. */
type Snap = [string, string, number | null, string, boolean];
const INSUFFICIENT = "Insufficient evidence";
const SNAPSHOTS: Snap[] = [
  [A, "2026-10-21T12:00:00Z", 50, "Developing", true],
  [A, "2026-11-21T12:00:00Z", 72, "Nearly Ready", true],
  [A, TO, 90, "Strong", true], // at exactly `to`: outside
  [B, "2026-10-26T12:00:00Z", 30, INSUFFICIENT, false],
  [B, "2026-11-16T12:00:00Z", 45, "Developing", true],
  [C, "2026-11-05T12:00:00Z", 80, INSUFFICIENT, false],
  [D, "2026-10-10T12:00:00Z", 90, "Strong", true], // the 4th before D's latest: not looked at
  [D, "2026-11-02T12:00:00Z", 60, "Developing", true],
  [D, "2026-11-03T12:00:00Z", 66, "Developing", true],
  [D, "2026-11-04T12:00:00Z", 58, "Emerging", true],
  [D, "2026-11-06T12:00:00Z", null, INSUFFICIENT, false], // no overall: not one of the 3
  [D, "2026-11-08T00:00:00Z", 61, "Developing", true], // exactly at a weekly point
];

async function build(sql: Sql) {
  const profiles: [string, string | null, string | null, string | null][] = [
    [A, "senior", "backend", "c1"],
    [B, "senior", "frontend", "c1"],
    [C, "mid", "backend", "-c2"],
    [D, null, null, null], // no profile: in no filtered cohort
    [E, "senior", "backend", "c2"], // a profile and nothing else
  ];
  for (const [user, level, track, cohort] of profiles) {
    await sql`insert into analytics.learners (user_id, level, track, cohort)
              values (${user}, ${level}, ${track}, ${cohort})`;
  }
  const sessions = new Set(ANSWERS.map(([u, s]) => `${u} ${s}`));
  for (const key of sessions) {
    const [user, n] = key.split(" ");
    await sql`insert into analytics.sessions (session_id, user_id, scenario_id)
              values (${S(user, Number(n))}, ${user}, 'cohort')`;
  }
  for (const [user, n, answer, ts, skill, score] of ANSWERS) {
    await sql`
      insert into analytics.session_events
        (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score)
      values (${user}, ${S(user, n)}, ${answer}, ${ts}, 'cohort', 'lead', ${skill}, ${score})`;
  }
  for (const [user, ts, overall, band, sufficient] of SNAPSHOTS) {
    await sql`
      insert into analytics.user_readiness (user_id, ts, readiness_overall, band, meta)
      values (${user}, ${ts}, ${overall}, ${band},
              ${sql.json({ sufficient_evidence: sufficient })})`;
  }
  // What the writers keep with the snapshots and answers (the directory and the needs-attention
  // list read it).
  await refreshLatest(sql, [...new Set(SNAPSHOTS.map(([user]) => user))]);
  await refreshActivity(sql, [...new Set(ANSWERS.map(([user]) => user))], lowRule);
  // The directory rows, as a profile write keeps them (E has nothing else).
  await refreshDirectory(sql, profiles.map(([user]) => user));
}

const bands = (
  emerging: number,
  developing: number,
  nearly: number,
  strong: number,
  insufficient: number,
  none: number,
) => ({
  Emerging: emerging,
  Developing: developing,
  "Nearly Ready": nearly,
  Strong: strong,
  [INSUFFICIENT]: insufficient,
  none,
});

/** Rounded once to 2 places, half away from zero, for the hand computations below. */
const r2 = (x: number) => Math.sign(x) * Math.round(Math.abs(x) * 100 + 1e-9) / 100;

Deno.test("cohort analytics on a hand-built cohort", async (step) => {
  const t = await startTestApp();
  const coach = await t.token("coach");
  const get = (path: string, token = coach) => t.call("GET", `/api/cohorts/${path}`, { token });
  try {
    await build(t.db.sql);

    await step.step("overview: this period and the one before", async () => {
      const res = await get(`overview?${PERIOD}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      // Current [Nov 1, Nov 29): answers A 2 + 1 + 3, B 1 + 2, C 1 (probe, Nov 1), D 1 + 1 = 12;
      // sessions whose first answer is in it: A 3, B 2, C 1, D 2 = 8 (C's S9 began Oct 31).
      // As of `to`: A 72 Nearly Ready, B 45 Developing, C insufficient, D 61 Developing, E none:
      // mean of 72, 45, 61 = 178 / 3 = 59.333… → 59.33.
      assert.deepEqual(res.body.current, {
        from: FROM,
        to: TO,
        learners: 5,
        active_learners: 4,
        sessions: 8,
        answers: 13,
        with_readiness: 3,
        mean_readiness: 59.33,
        bands: bands(0, 2, 1, 0, 1, 1),
      });
      // Previous [Oct 4, Nov 1): A S0, B S0, C S9's first answer: 3 answers, sessions, learners.
      // As of Nov 1: A 50 Developing, B insufficient, D 90 Strong (Oct 10); C, E none:
      // mean (50 + 90) / 2 = 70.
      assert.deepEqual(res.body.previous, {
        from: "2026-10-04T00:00:00.000Z",
        to: FROM,
        learners: 5,
        active_learners: 3,
        sessions: 3,
        answers: 3,
        with_readiness: 2,
        mean_readiness: 70,
        bands: bands(0, 1, 0, 1, 1, 2),
      });
      assert.deepEqual(res.body.filters, {
        level: null,
        track: null,
        cohort: null,
        from: FROM,
        to: TO,
      });
    });

    await step.step("filters: profile fields combine; no profile, no filtered cohort", async () => {
      for (
        const [filter, learners] of [
          ["level=senior", 3], // A, B, E
          ["track=backend", 3], // A, C, E (not D)
          ["level=senior&track=backend", 2], // A, E
          ["level=senior&track=backend&cohort=c1", 1], // A
          ["cohort=-c2", 1], // C
          ["level=staff", 0],
        ] as const
      ) {
        const res = await get(`overview?${PERIOD}&${filter}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.current.learners, learners, filter);
      }
      // Senior and backend: A and E. A: 6 answers, 3 sessions; as of `to` 72 Nearly Ready.
      const res = await get(`overview?${PERIOD}&level=senior&track=backend`);
      assert.deepEqual(
        [res.body.current.answers, res.body.current.sessions, res.body.current.mean_readiness],
        [6, 3, 72],
      );
      assert.deepEqual(res.body.current.bands, bands(0, 0, 1, 0, 0, 1));
    });

    await step.step("skills: first, latest, best, lift with its t-interval, low", async () => {
      const res = await get(`skills?${PERIOD}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const tags = res.body.skills.map((s: { skill_tag: string }) => s.skill_tag);
      assert.deepEqual(tags, [
        "communication",
        "technical_depth",
        "system_design",
        "probe",
        "structure",
        "behavioral_examples",
      ]);
      const [communication, , , probe, structure, behavioral] = res.body.skills;
      // Lift (latest − first) of A, B, D (C has one session): 11, 7.5, −10, n = 3; mean
      // 8.5 / 3 = 2.8333 → 2.83. Σx² = 121 + 56.25 + 100 = 277.25; variance
      // (277.25 − 8.5² / 3) / 2 = 1519 / 12; t(0.975, 2) = 4.302652729911275.
      const half = 4.302652729911275 * Math.sqrt(1519 / 12 / 3);
      assert.deepEqual([r2(8.5 / 3 - half), r2(8.5 / 3 + half)], [-25.12, 30.78]);
      assert.deepEqual(communication, {
        skill_tag: "communication",
        label: "Communication",
        participants: 4,
        sessions: 8,
        avg_first: 51.25, // (55 + 40 + 80 + 30) / 4
        avg_latest: 53.38, // (66 + 47.5 + 80 + 20) / 4 = 53.375, half away from zero
        avg_best: 56.88, // (70 + 47.5 + 80 + 30) / 4 = 56.875
        lift: { mean: 2.83, n: 3, ci95: [-25.12, 30.78] },
        // B's last 3 sessions before `to`: 50, 40, 47.5, each below 60. A has 70; D only 2.
        persistently_low: 1,
      });
      // Probe: only C's S9 answer of Nov 1 is in the period (50); the Oct 31 one (90) is not.
      assert.deepEqual(probe, {
        skill_tag: "probe",
        label: "Probing",
        participants: 1,
        sessions: 1,
        avg_first: 50,
        avg_latest: 50,
        avg_best: 50,
        lift: { mean: null, n: 0, ci95: null },
        persistently_low: 0,
      });
      assert.deepEqual(
        [structure.participants, structure.avg_first, structure.lift],
        [1, 40, { mean: null, n: 0, ci95: null }],
      );
      assert.deepEqual(
        [behavioral.participants, behavioral.avg_first, behavioral.persistently_low],
        [0, null, 0],
      );

      // Seniors: A and B. Lift 11 and 7.5: mean 9.25, variance 2 · 1.75² / 1 = 6.125, sd / √2 =
      // 1.75, t(0.975, 1) = 12.706204736174705: 9.25 ∓ 22.2359 → [−12.99, 31.49].
      const seniors = (await get(`skills?${PERIOD}&level=senior`)).body.skills[0];
      assert.deepEqual(seniors.lift, { mean: 9.25, n: 2, ci95: [-12.99, 31.49] });
      assert.deepEqual([seniors.participants, seniors.avg_first, seniors.avg_latest], [
        2,
        47.5,
        56.75,
      ]);
      // A alone: one lift, no interval.
      const a = (await get(`skills?${PERIOD}&level=senior&track=backend`)).body.skills[0];
      assert.deepEqual(a.lift, { mean: 11, n: 1, ci95: null });
    });

    await step.step("the low-skill rule agrees with a learner's coaching", async () => {
      const res = await t.call("GET", `/api/users/${B}/coaching`, { token: coach });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.persistently_low.map((s: { skill_tag: string }) => s.skill_tag),
        ["communication"],
      );
    });

    await step.step("bands: weekly points from `from` to `to`, oldest first", async () => {
      const res = await get(`bands?${PERIOD}&bucket=week`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.points, [
        // A Developing (Oct 21), B insufficient (Oct 26), D Strong (Oct 10); C, E none.
        { at: FROM, bands: bands(0, 1, 0, 1, 1, 2) },
        // D's Nov 8 snapshot is at exactly this point: its Nov 6 one (insufficient) counts.
        { at: "2026-11-08T00:00:00.000Z", bands: bands(0, 1, 0, 0, 3, 1) },
        { at: "2026-11-15T00:00:00.000Z", bands: bands(0, 2, 0, 0, 2, 1) },
        { at: "2026-11-22T00:00:00.000Z", bands: bands(0, 2, 1, 0, 1, 1) },
        { at: TO, bands: bands(0, 2, 1, 0, 1, 1) },
      ]);
      // Monthly from Oct 1: `to` and `to` − 30 days (Oct 30); the next (Sep 30) is before `from`.
      const month = await get(`bands?from=2026-10-01T00:00:00Z&to=${TO}&bucket=month`);
      assert.deepEqual(month.body.points.map((p: { at: string }) => p.at), [
        "2026-10-30T00:00:00.000Z",
        TO,
      ]);
      assert.deepEqual(month.body.points[0].bands, bands(0, 1, 0, 1, 1, 2));
      assert.equal((await get(`bands?${PERIOD}`)).body.bucket, "week");
    });

    await step.step(
      "the directory's attention filter flags exactly the attention list",
      async () => {
        // One definition of the rules: as of the same instant, with and without a profile filter,
        // the directory (attention=true) and the attention list name the same learners, and
        // attention=false names every other learner.
        const sql = t.db.sql;
        const sorted = (xs: string[]) => [...xs].sort();
        for (const to of [TO, "2026-11-22T00:00:00.000Z", "2026-11-09T00:00:00.000Z"]) {
          for (const level of [undefined, "senior"]) {
            const listed = await cohortAttention(sql, resolveFilters({ to, level }), shipped, {
              limit: 200,
            });
            const query = { level, sort: "name" as const, order: "asc" as const, limit: 200 };
            const flagged = await listDirectory(sql, {
              ...query,
              attention: true,
              now: new Date(to),
            }, shipped);
            const others = await listDirectory(sql, {
              ...query,
              attention: false,
              now: new Date(to),
            }, shipped);
            const expected = sorted(listed.learners.map((l) => l.user_id));
            assert.deepEqual(
              sorted(flagged.learners.map((l) => l.user_id)),
              expected,
              `${to} ${level}`,
            );
            assert.equal(flagged.total, expected.length);
            const all = level ? [A, B, E] : [A, B, C, D, E];
            assert.deepEqual(
              sorted(others.learners.map((l) => l.user_id)),
              all.filter((u) => !expected.includes(u)),
            );
          }
        }
        const atTo = await listDirectory(sql, {
          sort: "name",
          order: "asc",
          limit: 200,
          attention: true,
          now: new Date(TO),
        }, shipped);
        assert.deepEqual(sorted(atTo.learners.map((l) => l.user_id)), [B, C, D]);
      },
    );

    await step.step(
      "attention from the kept rows equals attention from the answers and snapshots",
      async () => {
        // The kept rows (learner_latest, learner_activity) answer for a learner whose evidence all
        // lies before `to`; the same learners judged from their history (kept rows made unusable
        // inside a transaction that is rolled back) give the same page, for every `to`: after
        // all the data (every learner kept), at `to` with an answer exactly there, and earlier.
        const sql = t.db.sql;
        const tos = [
          "2027-03-01T00:00:00.000Z",
          TO,
          "2026-11-22T00:00:00.000Z",
          "2026-11-09T00:00:00.000Z",
        ];
        const kept = [];
        const keptRows = [];
        for (const to of tos) {
          for (const level of [undefined, "senior"]) {
            const f = resolveFilters({ to, level });
            kept.push(await cohortAttention(sql, f, shipped, { limit: 200 }));
            keptRows.push([...await attentionSql(sql, f, shipped)]);
          }
        }
        assert.ok(kept[0].learners.length >= 3, JSON.stringify(kept[0]));
        const fromHistory: typeof kept = [];
        const historyRows: typeof keptRows = [];
        class Undo extends Error {}
        await sql.begin(async (tx) => {
          await tx`update analytics.learner_activity set low_rule = 'not this rule'`;
          await tx`update analytics.learner_latest set ts = 'infinity'`;
          for (const to of tos) {
            for (const level of [undefined, "senior"]) {
              const f = resolveFilters({ to, level });
              fromHistory.push(await cohortAttention(tx, f, shipped, { limit: 200 }));
              historyRows.push([...await attentionSql(tx, f, shipped)]);
            }
          }
          throw new Undo();
        }).catch((error) => {
          if (!(error instanceof Undo)) throw error;
        });
        assert.deepEqual(fromHistory, kept);
        // Every column of the statement (the CSV export reads them all).
        assert.deepEqual(historyRows, keptRows);
      },
    );

    await step.step(
      "skills from the kept sessions equal skills from the answers, for any period",
      async () => {
        // Periods ending after all the data (the kept best), inside it (the best among the
        // period's sessions), and bounds inside a session (C's probe session spans Nov 1).
        const sql = t.db.sql;
        const periods = [
          { from: "2026-10-01T00:00:00.000Z", to: "2027-03-01T00:00:00.000Z" },
          { from: FROM, to: TO },
          { from: "2026-11-03T00:00:00.000Z", to: "2026-11-21T00:00:00.000Z" },
          { from: "2026-10-20T10:00:00.000Z", to: "2026-11-10T10:00:00.000Z" },
          { from: "2026-11-14T23:00:30.000Z", to: "2026-11-20T10:01:30.000Z" },
        ];
        const kept = [];
        for (const p of periods) {
          for (const level of [undefined, "senior"]) {
            kept.push(await cohortSkills(sql, resolveFilters({ ...p, level }), shipped));
          }
        }
        const fromAnswers: typeof kept = [];
        class Undo extends Error {}
        await sql.begin(async (tx) => {
          // Every session made to look as if it spanned every instant: each learner and skill is
          // then computed from its answers.
          await tx`update analytics.learner_skill_sessions
                   set last_max = array_fill('infinity'::timestamptz, array[cardinality(ts)])`;
          for (const p of periods) {
            for (const level of [undefined, "senior"]) {
              fromAnswers.push(await cohortSkills(tx, resolveFilters({ ...p, level }), shipped));
            }
          }
          throw new Undo();
        }).catch((error) => {
          if (!(error instanceof Undo)) throw error;
        });
        assert.deepEqual(fromAnswers, kept);
        assert.ok(kept.some((k) => k.skills.some((s) => s.lift.n >= 2)));
      },
    );

    await step.step("attention: reasons with evidence, order, keyset pages", async () => {
      const res = await get(`attention?${PERIOD}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      // As of `to`, quiet since Nov 15: B (last answer Nov 14 23:01, 45 < 70; communication
      // low), D (Nov 7, 61 < 70; declining: 61 is 5 below 66, the best of 58, 66, 60), C (Nov 5,
      // insufficient). A answered Nov 20; E never answered. Two reasons first, then readiness.
      assert.deepEqual(
        res.body.learners.map((l: { user_id: string; reasons: { code: string }[] }) => [
          l.user_id,
          l.reasons.map((r) => r.code),
        ]),
        [
          [B, ["stalled", "persistently_low"]],
          [D, ["stalled", "declining"]],
          [C, ["stalled"]],
        ],
      );
      const [b, d, c] = res.body.learners;
      assert.deepEqual(b.reasons, [
        {
          code: "stalled",
          last_answer_at: "2026-11-14T23:01:00.000Z",
          latest_overall: 45,
          latest_band: "Developing",
          latest_at: "2026-11-16T12:00:00.000Z",
        },
        { code: "persistently_low", skills: ["communication"] },
      ]);
      assert.deepEqual(d.reasons[1], {
        code: "declining",
        latest_overall: 61,
        latest_at: "2026-11-08T00:00:00.000Z",
        previous_max: 66,
        drop: 5,
      });
      assert.deepEqual([b.readiness, d.readiness, c.readiness], [45, 61, null]);
      assert.equal(c.band, INSUFFICIENT);
      assert.equal(res.body.next_cursor, null);

      // One at a time: the same order, then no cursor.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { learners: { user_id: string }[]; next_cursor: string | null } } =
          await get(
            `attention?${PERIOD}&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
          );
        seen.push(...page.body.learners.map((l) => l.user_id));
        cursor = page.body.next_cursor;
      } while (cursor);
      assert.deepEqual(seen, [B, D, C]);

      // Seniors: only B (A is active, E has no answers).
      const seniors = await get(`attention?${PERIOD}&level=senior`);
      assert.deepEqual(seniors.body.learners.map((l: { user_id: string }) => l.user_id), [B]);
      // A week earlier (to = Nov 22), quiet since Nov 8: D (stalled, declining) and C stalled;
      // B answered Nov 14 but is still low. One reason each for C and B: unmeasured C first.
      const earlier = await get(`attention?to=2026-11-22T00:00:00Z`);
      assert.deepEqual(
        earlier.body.learners.map((l: { user_id: string; reasons: { code: string }[] }) => [
          l.user_id,
          l.reasons.map((r) => r.code),
        ]),
        [[D, ["stalled", "declining"]], [C, ["stalled"]], [B, ["persistently_low"]]],
      );
    });

    await step.step(
      "CSV: asked by format or Accept, one row per period/skill/point/learner",
      async () => {
        const csv = async (path: string, accept?: string) => {
          const headers: Record<string, string> = { authorization: `Bearer ${coach}` };
          if (accept) headers.accept = accept;
          const res = await t.app.request(`/api/cohorts/${path}`, { headers });
          assert.equal(res.status, 200, path);
          assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
          return (await res.text()).split("\r\n");
        };
        const overview = await csv(`overview?${PERIOD}&format=csv`);
        assert.equal(
          overview[0],
          "period,from,to,learners,active_learners,sessions,answers,with_readiness,mean_readiness," +
            "band: Emerging,band: Developing,band: Nearly Ready,band: Strong," +
            "band: Insufficient evidence,band: none",
        );
        assert.equal(overview[1], `current,${FROM},${TO},5,4,8,13,3,59.33,0,2,1,0,1,1`);
        assert.equal(overview.length, 4); // header, two rows, and the empty string after the last CRLF

        const skills = await csv(`skills?${PERIOD}`, "text/csv");
        assert.equal(
          skills[1],
          "communication,Communication,4,8,51.25,53.38,56.88,2.83,3,-25.12,30.78,1",
        );
        assert.equal(skills[4], "probe,Probing,1,1,50,50,50,,0,,,0");

        const points = await csv(`bands?${PERIOD}&format=csv`);
        assert.equal(
          points[0],
          "at,Emerging,Developing,Nearly Ready,Strong,Insufficient evidence,none",
        );
        assert.equal(points[2], "2026-11-08T00:00:00.000Z,0,1,0,0,3,1");

        const attention = await csv(`attention?${PERIOD}&limit=1`, "text/csv, application/json");
        // Every learner (the page size is for JSON); C's cohort "-c2" would be a formula: escaped.
        assert.equal(attention.length, 5);
        assert.ok(attention[1].startsWith(`${B},`));
        assert.match(
          attention[1],
          /,stalled; persistently_low,2026-11-14T23:01:00\.000Z,.*,communication$/,
        );
        assert.match(
          attention[3],
          new RegExp(`^${C},[^,]+,mid,backend,'-c2,,${INSUFFICIENT},stalled,`),
        );
        // JSON unless CSV is asked for.
        const json = await t.app.request(`/api/cohorts/overview?${PERIOD}&format=json`, {
          headers: { authorization: `Bearer ${coach}`, accept: "text/csv" },
        });
        assert.equal(json.headers.get("content-type"), "application/json");
        await json.body?.cancel();
      },
    );

    await step.step("coach and admin only; learners and the service get 403", async () => {
      for (const path of ["overview", "skills", "bands", "attention"]) {
        assert.equal((await t.call("GET", `/api/cohorts/${path}`)).status, 401, path);
        for (const role of ["learner", "service"] as const) {
          assert.equal((await get(path, await t.token(role))).status, 403, `${path} ${role}`);
        }
        assert.equal((await get(path, await t.token("admin"))).status, 200, path);
      }
    });

    await step.step("bad filters → 400", async () => {
      for (
        const [query, pattern] of [
          ["from=yesterday", /from/],
          [`from=${TO}&to=${FROM}`, /after `from`/],
          [`from=${TO}&to=${TO}`, /after `from`/],
          ["from=1900-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", /between 1970/],
          ["from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", /at most 3660 days/],
          ["to=2026-11-01T00:00:00.0001Z", /millisecond/],
          ["level=wizard", /level/],
          ["format=xml", /format/],
        ] as const
      ) {
        assertInvalid(await get(`overview?${query}`), pattern, query);
      }
      assertInvalid(await get(`bands?bucket=day`), /bucket/);
      assertInvalid(await get(`attention?limit=201`), /limit/);
      assertInvalid(await get(`attention?cursor=abc`), /cursor/);
    });
  } finally {
    await t.close();
  }
});
