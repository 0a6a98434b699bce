import assert from "node:assert/strict";
import { recordLearnerA, recordSession } from "../../../tests/readiness_fixtures.ts";
import type { Sql } from "../../db/mod.ts";
import { createTestDatabase } from "../../../tests/db.ts";
import { getProfile } from "../../learners/profile.ts";
import { COMPONENTS, windowSpec } from "../config.ts";
import { deltaOf } from "../snapshot.ts";
import { rebuildReadiness } from "../write/recompute.ts";
import { coachingData } from "./coaching.ts";
import { loadDashboard } from "./dashboard.ts";
import { readinessFreshness } from "./freshness.ts";
import { listSnapshots } from "./history.ts";
import { sessionScores } from "./series.ts";
import { catalog, readinessConfig, shipped } from "../../../tests/static_config.ts";

/** The dashboard as separate reads built it: the history, the trend points and coaching apart. */
async function dashboardAsBefore(sql: Sql, userId: string) {
  const trend = windowSpec(readinessConfig, readinessConfig.trend_window);
  const profile = await getProfile(sql, userId);
  const snapshots = await listSnapshots(sql, userId, 500);
  const scores = await sessionScores(sql, userId, trend);
  const coaching = await coachingData(sql, userId, shipped);
  if (!profile || !coaching) return null;
  const [latest = null, previous] = snapshots;
  const points = Map.groupBy(scores, (p) => p.skill_tag);
  return {
    profile,
    latest,
    delta: latest ? deltaOf(latest.overall, previous?.overall) : null,
    history: snapshots.map((s) => ({ ts: s.ts, overall: s.overall })).reverse(),
    components: COMPONENTS.map((c) => ({
      component: c,
      label: readinessConfig.components[c].label,
      value: latest?.components[c] ?? null,
    })),
    skillTrends: catalog.skills.map((s) => ({
      tag: s.tag,
      label: s.label,
      points: (points.get(s.tag) ?? []).map(({ session_id, ts, score }) => ({
        session_id,
        ts,
        score,
      })),
    })),
    trendSessions: trend.size,
    coaching,
  };
}

Deno.test("the dashboard read answers exactly what the separate reads did", async () => {
  const db = await createTestDatabase();
  const { sql } = db;
  try {
    const a = crypto.randomUUID();
    await recordLearnerA(sql, a);
    const low = crypto.randomUUID();
    const now = new Date();
    for (const days of [9, 6, 4, 2, 1]) {
      await recordSession(sql, low, days, { communication: [35, 52], structure: [61] }, now);
    }
    // Microseconds in the stored times: the page shows milliseconds, truncated as Date does.
    await sql`update analytics.session_events set ts = ts + interval '999 microseconds'
              where user_id = ${low}`;
    await rebuildReadiness(sql, { config: readinessConfig, userIds: [a, low], trigger: "test" });
    const empty = crypto.randomUUID();
    await sql`insert into analytics.learners (user_id) values (${empty})`;
    for (const id of [a, low, empty]) {
      // Freshness is read beside the one statement, by its own function: compared apart.
      const { freshness, ...read } = (await loadDashboard(sql, id, shipped))!;
      assert.deepEqual(read, await dashboardAsBefore(sql, id));
      assert.deepEqual(freshness.pending, (await readinessFreshness(sql, id)).pending);
    }
    assert.equal(await loadDashboard(sql, crypto.randomUUID(), shipped), null);
  } finally {
    await db.close();
  }
});
