import assert from "node:assert/strict";
import { createTestDatabase } from "../../tests/db.ts";
import { recordSession } from "../../tests/readiness_fixtures.ts";
import { loadStaticConfig } from "../static_config.ts";
import type { Sql } from "../db/mod.ts";
import { eraseLearner } from "../privacy/mod.ts";
import { computeUserReadiness } from "../readiness/mod.ts";
import { completeSession, completionSchema } from "../sessions/complete.ts";
import { saveProfile } from "./profile.ts";
import { lockLearners } from "./lock.ts";
import { fillActivity, lowSkillRule, refreshActivity, ruleStamp } from "../sessions/activity.ts";
import {
  decodeCursor,
  DIRECTORY_MAX_LIMIT,
  type DirectoryQuery,
  type DirectorySort,
  listDirectory,
  listDirectoryJson,
  rowsToRead,
} from "./directory.ts";
import { refreshDirectory } from "./directory_rows.ts";
import { runScript } from "../../tests/scripts.ts";

const SCRIPT = new URL("../../scripts/recompute.ts", import.meta.url).pathname;

const settings = loadStaticConfig();

/** Each learner's directory row as the sources say now, worked out without the kept rows. */
async function fromSources(sql: Sql) {
  return await sql`
    select l.user_id, l.level, l.track, l.cohort,
           coalesce(l.display_name, case when concat_ws(' ', l.level, l.track) = '' then 'Learner'
             else upper(left(concat_ws(' ', l.level, l.track), 1))
                  || substr(concat_ws(' ', l.level, l.track), 2) || ' learner' end
             || ' ' || left(l.user_id::text, 4)) as label,
           (select count(*)::int from analytics.sessions s where s.user_id = l.user_id) as sessions,
           (select max(coalesce(s.completed_at, s.started_at)) from analytics.sessions s
            where s.user_id = l.user_id) as last_active,
           r.readiness_overall as readiness, r.band,
           r.readiness_overall - (
             select p.readiness_overall from analytics.user_readiness p
             where p.user_id = l.user_id order by p.ts desc, p.id desc offset 1 limit 1) as delta,
           -- The needs-attention inputs: copies of the learner's activity and latest-snapshot
           -- rows (each checked against the answers and snapshots by its own tests).
           a.last_answer_at, a.low_rule, a.low_skills, t.ts as latest_at, t.sufficient,
           t.scored_at, t.scored
    from analytics.learners l
    left join lateral (
      select u.readiness_overall, u.band from analytics.user_readiness u
      where u.user_id = l.user_id order by u.ts desc, u.id desc limit 1
    ) r on true
    left join analytics.learner_activity a on a.user_id = l.user_id
    left join analytics.learner_latest t on t.user_id = l.user_id
    order by l.user_id`;
}

async function kept(sql: Sql) {
  return await sql`
    select user_id, level, track, cohort, label, sessions, last_active, readiness, band, delta,
           last_answer_at, low_rule, low_skills, latest_at, sufficient, scored_at, scored
    from analytics.learner_directory order by user_id`;
}

/** The kept rows, their JSON and the profile counts agree with the sources. */
async function assertKept(sql: Sql, label: string) {
  assert.deepEqual(await kept(sql), await fromSources(sql), label);
  const json = await sql<{ row_json: string; user_id: string; last_active: Date | null }[]>`
    select row_json, user_id, last_active from analytics.learner_directory`;
  for (const row of json) {
    const parsed = JSON.parse(row.row_json);
    assert.equal(parsed.user_id, row.user_id, label);
    assert.equal(parsed.last_active, row.last_active?.toISOString() ?? null, label);
  }
  const counts = await sql`
    select level, track, cohort, learners from analytics.learner_profile_counts
    where learners <> 0 order by 1, 2, 3`;
  const truth = await sql`
    select level, track, cohort, count(*)::int as learners from analytics.learners
    group by 1, 2, 3 order by 1, 2, 3`;
  assert.deepEqual(counts, truth, `${label}: profile counts`);
}

Deno.test("the kept directory rows and profile counts follow every writer", async (t) => {
  const db = await createTestDatabase();
  const { sql } = db;
  const [a, b, c] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  try {
    await t.step("a profile written first: a row without sessions, counted", async () => {
      await saveProfile(sql, a, { display_name: "Ada", level: "senior", cohort: "c1" });
      await saveProfile(sql, b, { level: "junior" });
      await assertKept(sql, "profiles");
      assert.equal((await kept(sql)).length, 2);
    });

    await t.step("answers: a new learner gets a row; sessions and last activity move", async () => {
      await recordSession(sql, a, 10, { communication: [60, 70] });
      await recordSession(sql, c, 5, { communication: [40] });
      await assertKept(sql, "answers");
    });

    await t.step("a completion moves last activity and writes the latest snapshot", async () => {
      const session = await recordSession(sql, a, 2, { communication: [80] });
      await completeSession(
        sql,
        session,
        completionSchema.parse({
          user_id: a,
          completed_at: new Date().toISOString(),
          transcript: [],
          scorecard: {},
        }),
        settings.readiness,
      );
      await computeUserReadiness(sql, c, { config: settings.readiness, trigger: "test" });
      await assertKept(sql, "completion");
    });

    await t.step("a low-skill rule change: the copied activity fields follow", async () => {
      const rule = { ...lowSkillRule(settings), threshold: 75 };
      await sql.begin(async (tx) => {
        await lockLearners(tx, [a, c]);
        await refreshActivity(tx, [a, c], rule);
      });
      const [row] = await sql<{ low_rule: string }[]>`
        select low_rule from analytics.learner_directory where user_id = ${a}`;
      assert.equal(row.low_rule, ruleStamp(rule));
      await assertKept(sql, "rule change");
      await fillActivity(sql, lowSkillRule(settings), 10);
      await assertKept(sql, "rule back");
    });

    await t.step("a profile change moves the learner between counts", async () => {
      await saveProfile(sql, a, { level: "junior", track: "backend" });
      await saveProfile(sql, b, { display_name: "Bo" });
      await assertKept(sql, "profile change");
    });

    await t.step("a refresh with nothing new writes nothing", async () => {
      const before = await sql`select xmin::text, user_id from analytics.learner_directory`;
      const counts = await sql`select xmin::text, * from analytics.learner_profile_counts`;
      await refreshDirectory(sql, [a, b, c]);
      assert.deepEqual(
        await sql`select xmin::text, user_id from analytics.learner_directory`,
        before,
      );
      assert.deepEqual(
        await sql`select xmin::text, * from analytics.learner_profile_counts`,
        counts,
      );
    });

    await t.step("an erase takes the row and the count", async () => {
      await eraseLearner(sql, b);
      await assertKept(sql, "erase");
      assert.equal((await kept(sql)).length, 2);
    });

    await t.step("deno task recompute --directory repairs rows and counts gone wrong", async () => {
      // Wrong in every way the repair handles: a learner written without the writers (no row), a
      // row that differs, a row of a learner that no longer exists, counts off, a stale count.
      const d = crypto.randomUUID();
      await sql`insert into analytics.learners (user_id, level) values (${d}, 'staff')`;
      await sql`update analytics.learner_directory
                set sessions = 99, row_json = '{}', scored = '{1}', last_answer_at = null
                where user_id = ${a}`;
      await sql`insert into analytics.learner_directory (user_id, label, sessions, row_json)
                values (${crypto.randomUUID()}, 'Gone', 0, '{}')`;
      await sql`update analytics.learner_profile_counts set learners = learners + 5`;
      await sql`insert into analytics.learner_profile_counts (level, track, cohort, learners)
                values ('intern', 'nowhere', null, 3)`;
      const run = await runScript(SCRIPT, ["--directory"], {
        PULSE_ANALYTICS_DATABASE_URL: db.url,
      });
      assert.equal(run.code, 0, run.stderr.join("\n"));
      assert.match(
        run.stdout.at(-1)!,
        /^done \(directory\): 3 learners, 2 rows rewritten, 1 orphan rows deleted, \d+ profile counts corrected/,
      );
      await assertKept(sql, "repaired");
      const [{ n }] = await sql<{ n: number }[]>`
        select count(*)::int as n from analytics.learner_profile_counts where track = 'nowhere'`;
      assert.equal(n, 0);
      // Run again: nothing left to repair.
      const again = await runScript(SCRIPT, ["--directory"], {
        PULSE_ANALYTICS_DATABASE_URL: db.url,
      });
      assert.match(
        again.stdout.at(-1)!,
        /^done \(directory\): 3 learners, 0 rows rewritten, 0 orphan rows deleted, 0 profile counts corrected/,
      );
    });
  } finally {
    await db.close();
  }
});

Deno.test("the directory page as JSON text equals the page read as rows", async () => {
  const db = await createTestDatabase();
  const { sql } = db;
  try {
    // Learners with and without sessions and snapshots, ties on every sort.
    for (let i = 0; i < 24; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
      await saveProfile(sql, id, {
        display_name: i % 5 === 0 ? null : `Learner ${i % 7}`,
        level: ["junior", "senior", null][i % 3],
        cohort: i % 2 ? "c1" : "c2",
      });
      if (i % 4 === 3) continue;
      await recordSession(sql, id, 1 + (i % 6), { communication: [40 + (i % 3) * 10] });
      if (i % 3 === 0) {
        await computeUserReadiness(sql, id, { config: settings.readiness, trigger: "test" });
      }
    }
    const sorts: DirectorySort[] = ["readiness", "last_active", "sessions", "delta", "name"];
    let compared = 0;
    for (const sort of sorts) {
      for (const order of ["asc", "desc"] as const) {
        for (const filters of [{}, { level: "senior" }, { q: "learner 3" }, { band: "none" }]) {
          let cursor = null;
          do {
            const q: DirectoryQuery = { ...filters, sort, order, limit: 5, cursor };
            const rows = await listDirectory(sql, q, settings);
            const text = await listDirectoryJson(sql, q, settings);
            const asApi = {
              ...rows,
              learners: rows.learners.map((r) => ({
                ...r,
                last_active: r.last_active?.toISOString() ?? null,
              })),
            };
            assert.deepEqual(JSON.parse(text), asApi, `${sort} ${order} ${JSON.stringify(q)}`);
            compared++;
            cursor = rows.next_cursor ? decodeCursor(rows.next_cursor, sort, order) : null;
          } while (cursor);
        }
      }
    }
    // Pages within the learners with the figure, across to those without it, and among them.
    assert.ok(compared >= 100, `${compared} pages compared`);
  } finally {
    await db.close();
  }
});

Deno.test("a page reads one of five row counts, never fewer than it needs", () => {
  const sizes = new Set<number>();
  for (let n = 1; n <= DIRECTORY_MAX_LIMIT + 1; n++) {
    assert.ok(rowsToRead(n) >= n, String(n));
    sizes.add(rowsToRead(n));
  }
  assert.deepEqual([...sizes], [11, 26, 51, 101, 201]);
  // The default page (50 rows and the one that tells whether more follow) reads no more.
  assert.equal(rowsToRead(51), 51);
});
