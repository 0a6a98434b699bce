import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/db.ts";
import { DEMO_LEARNERS } from "./people.ts";
import {
  COHORT_SIZE,
  cohortHistory,
  COHORTS,
  demoCohort,
  demoCohortIncomplete,
  demoHistory,
  seedDemo,
} from "./seed.ts";
import { catalog, shipped } from "../../tests/static_config.ts";
import { eraseLearner } from "../privacy/mod.ts";

const DAY = 24 * 60 * 60 * 1000;

Deno.test("demo history is the same on every call, whatever the time", () => {
  const a = demoHistory(DEMO_LEARNERS[0], 0, new Date("2026-11-23T10:00:00Z"), catalog);
  const b = demoHistory(DEMO_LEARNERS[0], 0, new Date("2026-12-01T17:30:00Z"), catalog);
  const keys = (h: typeof a) =>
    h.map((s) => [s.sessionId, s.answers.map((x) => [Object.keys(x.scores), x.scores])]);
  assert.deepEqual(keys(a), keys(b));
  assert.equal(a.length, DEMO_LEARNERS[0].sessions);
  assert.notEqual(a[0].answers[0].ts, b[0].answers[0].ts);
  const c1 = demoCohort(catalog);
  assert.deepEqual(demoCohort(catalog), c1);
  assert.deepEqual(
    keys(cohortHistory(c1[7], 7, new Date("2026-11-23T10:00:00Z"), catalog)),
    keys(cohortHistory(c1[7], 7, new Date("2026-12-01T17:30:00Z"), catalog)),
  );
});

Deno.test("the cohort: ~200 learners over levels, tracks, two cohorts and five trajectories", () => {
  const cohort = demoCohort(catalog);
  assert.equal(cohort.length, COHORT_SIZE);
  assert.equal(new Set(cohort.map((l) => l.userId)).size, COHORT_SIZE);
  assert.equal(new Set(cohort.map((l) => l.name)).size, COHORT_SIZE);
  assert.deepEqual(new Set(cohort.map((l) => l.cohort)), new Set(COHORTS));
  assert.deepEqual(new Set(cohort.map((l) => l.level)), new Set(catalog.levels));
  assert.ok(new Set(cohort.map((l) => l.track)).size >= 4);
  const now = new Date("2026-11-23T10:00:00Z");
  const lastDays = (t: string) =>
    cohort.filter((l) => l.trajectory === t).map((l) => {
      const h = cohortHistory(l, cohort.indexOf(l), now, catalog);
      return (now.getTime() - Date.parse(h.at(-1)!.answers.at(-1)!.ts)) / DAY;
    });
  // Drop-outs stopped 3–6 weeks ago; everyone else practised in the last week.
  for (const d of lastDays("dropout")) assert.ok(d >= 20 && d <= 43, String(d));
  for (const t of ["improver", "plateau", "decliner", "late_starter"]) {
    for (const d of lastDays(t)) assert.ok(d >= 1 && d <= 7, `${t} ${d}`);
  }
  // Late starters began 2–5 weeks ago, the others about 12 weeks ago.
  for (const l of cohort) {
    const first = cohortHistory(l, cohort.indexOf(l), now, catalog)[0].answers[0].ts;
    const days = (now.getTime() - Date.parse(first)) / DAY;
    if (l.trajectory === "late_starter") assert.ok(days >= 13 && days <= 36, String(days));
    else assert.ok(days >= 73, String(days));
  }
});

Deno.test("seeding writes histories and a snapshot per session once; seeding again adds nothing", async () => {
  const db = await createTestDatabase();
  try {
    const now = new Date("2026-11-23T10:00:00Z");
    const first = await seedDemo(db.sql, shipped, { now });
    const cohort = demoCohort(catalog);
    const sessions = DEMO_LEARNERS.reduce((n, l) => n + l.sessions, 0) +
      cohort.reduce((n, l) => n + l.sessions, 0);
    assert.deepEqual({ ...first, eventsInserted: first.eventsInserted > 0 }, {
      learners: DEMO_LEARNERS.length + COHORT_SIZE,
      sessions,
      eventsInserted: true,
      snapshots: sessions,
    });
    const counts = async () =>
      (await db.sql`
        select (select count(*)::int from analytics.learners) as learners,
               (select count(*)::int from analytics.sessions) as sessions,
               (select count(*)::int from analytics.session_owners) as owners,
               (select count(*)::int from analytics.session_events) as events,
               (select count(*)::int from analytics.user_readiness) as snapshots,
               (select count(distinct cohort)::int from analytics.learners) as cohorts`)[0];
    const before = await counts();
    assert.deepEqual(before, {
      learners: DEMO_LEARNERS.length + COHORT_SIZE,
      sessions,
      owners: sessions,
      events: first.eventsInserted,
      snapshots: sessions,
      cohorts: 2,
    });
    // Each snapshot is dated by its session (event time), one per session.
    const [{ off }] = await db.sql`
      select count(*)::int as off from analytics.sessions s
      where not exists (select 1 from analytics.user_readiness r
                        where r.user_id = s.user_id and r.ts = s.completed_at)`;
    assert.equal(off, 0);
    const [named] = await db.sql`
      select display_name from analytics.learners where user_id = ${DEMO_LEARNERS[0].userId}`;
    assert.equal(named.display_name, DEMO_LEARNERS[0].name);
    const again = await seedDemo(db.sql, shipped, { now: new Date("2026-11-24T10:00:00Z") });
    assert.equal(again.eventsInserted, 0);
    assert.equal(again.snapshots, 0);
    assert.deepEqual(await counts(), before);
    const [span] = await db.sql`
      select min(ts) as first, max(ts) as last from analytics.user_readiness`;
    assert.ok(span.last.getTime() - span.first.getTime() > 70 * DAY);
  } finally {
    await db.close();
  }
});

Deno.test("the people and the cohort seeded apart (the embedded first start) equal one seed; a cohort cut short is finished", async () => {
  const db = await createTestDatabase();
  const whole = await createTestDatabase();
  try {
    const now = new Date("2026-11-23T10:00:00Z");
    const people = await seedDemo(db.sql, shipped, { now, part: "people" });
    assert.equal(people.learners, DEMO_LEARNERS.length);
    assert.equal(await demoCohortIncomplete(db.sql, catalog), true);
    const first = await seedDemo(db.sql, shipped, { now, part: "cohort" });
    assert.equal(first.learners, COHORT_SIZE);
    assert.equal(await demoCohortIncomplete(db.sql, catalog), false);
    // A start stopped while the cohort was written: the last group's answers are in, its
    // readiness replay is not. The next start finishes it.
    const last = demoCohort(catalog).at(-1)!.userId;
    await db.sql`delete from analytics.user_readiness where user_id = ${last}`;
    await db.sql`delete from analytics.learner_latest where user_id = ${last}`;
    assert.equal(await demoCohortIncomplete(db.sql, catalog), true);
    const rest = await seedDemo(db.sql, shipped, { now, part: "cohort" });
    assert.equal(rest.eventsInserted, 0);
    assert.equal(rest.snapshots, demoCohort(catalog).at(-1)!.sessions);
    assert.equal(await demoCohortIncomplete(db.sql, catalog), false);
    await seedDemo(whole.sql, shipped, { now });
    assert.equal(await demoCohortIncomplete(whole.sql, catalog), false);
    const figures = (sql: typeof db.sql) =>
      sql`
        select (select count(*)::int from analytics.learners) as learners,
               (select count(*)::int from analytics.session_events) as events,
               (select count(*)::int from analytics.user_readiness) as snapshots,
               (select coalesce(sum(readiness_overall), 0)::text from analytics.user_readiness)
                 as overall,
               (select count(*)::int from analytics.learner_directory) as directory,
               (select count(*)::int from analytics.interview_outcomes) as outcomes`;
    assert.deepEqual(await figures(db.sql), await figures(whole.sql));

    // Erased is erased: an erased demo learner is not missing from the cohort, and seeding again
    // (a start finishing the cohort, or deno task seed) does not bring them back.
    const gone = demoCohort(catalog)[3].userId;
    await eraseLearner(db.sql, gone);
    assert.equal(await demoCohortIncomplete(db.sql, catalog), false);
    const again = await seedDemo(db.sql, shipped, { now, part: "cohort" });
    assert.equal(again.learners, COHORT_SIZE - 1);
    assert.equal(again.eventsInserted, 0);
    const [{ n }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from analytics.learners where user_id = ${gone}`;
    assert.equal(n, 0);
  } finally {
    await db.close();
    await whole.close();
  }
});
