/**
 * The cohort statements' Citus shape (per-learner rows inlined where they are read, each part
 * grouped or paged on its own, so that the shards do the work and only groups or a page travel)
 * gives the same answers as the one-server shape. Checked here on any PostgreSQL against the demo
 * data, with `to` after every learner's evidence (the kept rows answer) and inside the histories
 * (spanning sessions and learners judged from their answers); on a real cluster see docs/citus.md.
 */
import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/db.ts";
import { shipped } from "../../tests/static_config.ts";
import { seedDemo } from "../demo/seed.ts";
import { bandMovement, cohortAttention, cohortOverview, cohortSkills } from "./mod.ts";
import { TRAJECTORY_POINTS } from "./bands.ts";
import { resolveFilters } from "./filters.ts";
import { decodeCursor } from "./attention.ts";

const decode = (text: string) => decodeCursor(text)!;

Deno.test("cohort skills and attention: the Citus shape answers as the one-server shape", async () => {
  const db = await createTestDatabase();
  try {
    const now = new Date("2026-11-23T10:00:00Z");
    await seedDemo(db.sql, shipped, { now });
    const tos = ["2026-11-24T00:00:00.000Z", "2026-11-02T12:34:56.789Z"];
    // With `to` inside the histories every learner has evidence after it: all are judged from
    // their answers and snapshots (the slow path), and some must be flagged.
    let flaggedInside = 0;
    for (const to of tos) {
      for (const q of [{}, { level: "senior" }, { cohort: "2026-autumn" }, { track: "backend" }]) {
        const f = resolveFilters({ ...q, to });
        const label = `${JSON.stringify(q)} to ${to}`;
        const one = await cohortSkills(db.sql, f, shipped, { citus: false });
        const citus = await cohortSkills(db.sql, f, shipped, { citus: true });
        assert.deepEqual(citus, one, `skills ${label}`);
        assert.ok(one.skills.some((s) => s.participants > 0), `skills ${label}: participants`);
        // Every page, following the cursors, in both shapes.
        for (const limit of [7, 200]) {
          let cursorOne: string | null = null;
          let pages = 0;
          do {
            const options = { limit, cursor: cursorOne ? decode(cursorOne) : null };
            const a = await cohortAttention(db.sql, f, shipped, { ...options, citus: false });
            const b = await cohortAttention(db.sql, f, shipped, { ...options, citus: true });
            assert.deepEqual(b, a, `attention ${label} limit ${limit} page ${pages}`);
            if (to === tos[1]) flaggedInside += a.learners.length;
            cursorOne = a.next_cursor;
            pages++;
          } while (cursorOne);
          assert.ok(pages >= 1);
        }
      }
    }
    assert.ok(flaggedInside > 0, "a period ending inside the histories flags learners");
  } finally {
    await db.close();
  }
});

Deno.test("cohort overview and bands: the trajectory shape answers as the point-by-point shape", async () => {
  // On one server the band grid groups each learner's trajectory over up to TRAJECTORY_POINTS
  // points; on Citus (and for more points) it expands each learner row into one row per point.
  const db = await createTestDatabase();
  try {
    const now = new Date("2026-11-23T10:00:00Z");
    await seedDemo(db.sql, shipped, { now });
    const config = shipped.readiness;
    let counted = 0;
    for (const to of ["2026-11-24T00:00:00.000Z", "2026-11-02T12:34:56.789Z"]) {
      for (const q of [{}, { level: "senior" }, { cohort: "2026-autumn" }, { track: "backend" }]) {
        const label = `${JSON.stringify(q)} to ${to}`;
        // The default 28 days, and 12 weeks (13 weekly points: point by point in both shapes).
        for (const days of [28, 84]) {
          const from = new Date(Date.parse(to) - days * 86_400_000).toISOString();
          const f = resolveFilters({ ...q, from, to });
          const one = await cohortOverview(db.sql, f, config, { citus: false });
          const citus = await cohortOverview(db.sql, f, config, { citus: true });
          assert.deepEqual(citus, one, `overview ${label} ${days} days`);
          for (const bucket of ["week", "month"] as const) {
            const a = await bandMovement(db.sql, f, bucket, config, { citus: false });
            const b = await bandMovement(db.sql, f, bucket, config, { citus: true });
            assert.deepEqual(b, a, `bands ${bucket} ${label} ${days} days`);
            if (days === 28 && bucket === "week") assert.ok(a.length <= TRAJECTORY_POINTS);
            counted += a.reduce((n, p) => n + Object.values(p.bands).reduce((x, y) => x + y), 0);
          }
        }
      }
    }
    assert.ok(counted > 0);
  } finally {
    await db.close();
  }
});
