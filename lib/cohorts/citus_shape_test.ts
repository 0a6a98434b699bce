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
import { cohortAttention, cohortSkills } from "./mod.ts";
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
