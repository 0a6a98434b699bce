import assert from "node:assert/strict";
import type { Sql } from "../../lib/db/mod.ts";
import { startTestApp } from "../../tests/harness.ts";
import { refreshLatest } from "../../lib/readiness/mod.ts";
import { refreshActivity } from "../../lib/sessions/activity.ts";
import { forgetDirectory, refreshDirectory } from "../../lib/learners/directory_rows.ts";
import { lowRule } from "../../tests/static_config.ts";

Deno.test("learner profiles", async (step) => {
  const t = await startTestApp();
  const service = await t.token("service");
  try {
    await step.step("PUT creates (201), then updates only the given fields (200)", async () => {
      const user = crypto.randomUUID();
      const created = await t.call("PUT", `/api/learners/${user}`, {
        token: service,
        body: { level: "senior", track: "backend", cohort: "2026-q4" },
      });
      assert.equal(created.status, 201);
      assert.deepEqual([created.body.level, created.body.track, created.body.cohort], [
        "senior",
        "backend",
        "2026-q4",
      ]);
      const updated = await t.call("PUT", `/api/learners/${user}`, {
        token: service,
        body: { level: "staff" },
      });
      assert.equal(updated.status, 200);
      const [row] = await t.db
        .sql`select level, track, cohort from analytics.learners where user_id = ${user}`;
      assert.deepEqual({ ...row }, { level: "staff", track: "backend", cohort: "2026-q4" });
      await t.call("PUT", `/api/learners/${user}`, {
        token: await t.token("admin"),
        body: { cohort: null },
      });
      const [after] = await t.db.sql`select cohort from analytics.learners where user_id = ${user}`;
      assert.equal(after.cohort, null);
    });

    await step.step("bad input → 400, auth → 401/403", async () => {
      const user = crypto.randomUUID();
      const bad = await t.call("PUT", `/api/learners/${user}`, {
        token: service,
        body: { level: "wizard" },
      });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body.error.issues), /level/);
      assert.equal(
        (await t.call("PUT", `/api/learners/nope`, { token: service, body: {} })).status,
        400,
      );
      assert.equal((await t.call("PUT", `/api/learners/${user}`, { body: {} })).status, 401);
      const learner = await t.token("learner", user);
      assert.equal(
        (await t.call("PUT", `/api/learners/${user}`, { token: learner, body: {} })).status,
        403,
      );
      const [{ n }] = await t.db
        .sql`select count(*)::int as n from analytics.learners where user_id = ${user}`;
      assert.equal(n, 0);
    });
    await step.step("GET: the profile for its learner and staff; 403 for others; 404", async () => {
      const user = crypto.randomUUID();
      await t.call("PUT", `/api/learners/${user}`, { token: service, body: { level: "mid" } });
      for (const token of [await t.token("learner", user), await t.token("coach"), service]) {
        const res = await t.call("GET", `/api/learners/${user}`, { token });
        assert.equal(res.status, 200);
        assert.deepEqual([res.body.user_id, res.body.level, res.body.track], [user, "mid", null]);
      }
      const other = await t.call("GET", `/api/learners/${user}`, {
        token: await t.token("learner"),
      });
      assert.equal(other.status, 403);
      const missing = await t.call("GET", `/api/learners/${crypto.randomUUID()}`, {
        token: service,
      });
      assert.equal(missing.status, 404);
      assert.equal((await t.call("GET", `/api/learners/${user}`)).status, 401);
      assert.equal((await t.call("GET", "/api/learners/nope", { token: service })).status, 400);
    });
  } finally {
    await t.close();
  }
});

const DAY = 24 * 60 * 60 * 1000;
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const C = "cccccccc-0000-4000-8000-000000000003";
const D = "dddddddd-0000-4000-8000-000000000004";

/** A learner written straight into the tables: profile, sessions (by day ago), snapshots. */
async function learner(
  sql: Sql,
  userId: string,
  profile: { display_name?: string; level?: string; track?: string; cohort?: string },
  sessionDaysAgo: number[],
  overalls: [number | null, string][] = [],
) {
  await sql`insert into analytics.learners (user_id, display_name, level, track, cohort)
            values (${userId}, ${profile.display_name ?? null}, ${profile.level ?? null},
                    ${profile.track ?? null}, ${profile.cohort ?? null})`;
  for (const days of sessionDaysAgo) {
    const at = new Date(Date.now() - days * DAY);
    const session = crypto.randomUUID();
    await sql`insert into analytics.session_owners (session_id, user_id) values (${session}, ${userId})`;
    await sql`insert into analytics.sessions (session_id, user_id, scenario_id, started_at, completed_at)
              values (${session}, ${userId}, 'x', ${at}, ${at})`;
    await sql`insert into analytics.session_events
                (user_id, session_id, answer_id, ts, scenario_id, pulse_step, skill_tag, score)
              values (${userId}, ${session}, 'a1', ${at}, 'x', 'lead', 'communication', 50)`;
  }
  for (const [i, [overall, band]] of overalls.entries()) {
    await sql`insert into analytics.user_readiness (user_id, ts, readiness_overall, band)
              values (${userId}, ${new Date(Date.now() - (30 - i) * DAY)}, ${overall}, ${band})`;
  }
  // What the writers keep with the snapshots and answers (the directory reads it).
  await refreshLatest(sql, [userId]);
  await refreshActivity(sql, [userId], lowRule);
}

Deno.test("learner directory: search, filters, sorts, keyset paging, CSV", async (step) => {
  const t = await startTestApp();
  const coach = await t.token("coach");
  const sql = t.db.sql;
  const ids = (body: { learners: { user_id: string }[] }) => body.learners.map((l) => l.user_id);
  const get = async (query: string, token = coach) => {
    const res = await t.call("GET", `/api/learners${query}`, { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  try {
    await learner(sql, A, { display_name: "Ada Lovelace", level: "senior", cohort: "c1" }, [5, 1], [
      [60, "Developing"],
      [72.5, "Nearly Ready"],
    ]);
    await learner(sql, B, { level: "mid", track: "frontend", cohort: "c2" }, [20], [
      [55.25, "Developing"],
    ]);
    await learner(sql, C, { level: "senior" }, []);
    await learner(sql, D, { display_name: "bob", level: "senior", cohort: "c1" }, [9, 2, 3], [
      [80, "Strong"],
      [70.1, "Nearly Ready"],
    ]);

    await step.step(
      "coaches and admins only; rows with label, readiness, band, delta",
      async () => {
        for (const role of ["learner", "service"] as const) {
          assert.equal(
            (await t.call("GET", "/api/learners", { token: await t.token(role) })).status,
            403,
          );
        }
        assert.equal((await t.call("GET", "/api/learners")).status, 401);
        const body = await get("", await t.token("admin"));
        assert.deepEqual(ids(body), [A, D, B, C]); // last active first, never-active last
        assert.equal(body.total, 4);
        assert.equal(body.next_cursor, null);
        const [a, d, b, c] = body.learners;
        assert.deepEqual(
          [a.label, a.readiness, a.band, a.delta, a.sessions, a.level, a.cohort],
          ["Ada Lovelace", 72.5, "Nearly Ready", 12.5, 2, "senior", "c1"],
        );
        assert.equal(d.delta, -9.9);
        assert.deepEqual([b.label, b.readiness, b.delta], [
          "Mid frontend learner bbbb",
          55.25,
          null,
        ]);
        assert.deepEqual([c.label, c.readiness, c.band, c.sessions, c.last_active], [
          "Senior learner cccc",
          null,
          null,
          0,
          null,
        ]);
      },
    );

    await step.step(
      "q: name or label (any case), or an id prefix with or without dashes",
      async () => {
        assert.deepEqual(ids(await get("?q=ada")), [A]);
        assert.deepEqual(ids(await get("?q=MID%20FRONT")), [B]);
        assert.deepEqual(ids(await get("?q=dddddddd-00")), [D]);
        assert.deepEqual(ids(await get("?q=dddddddd00")), [D]);
        assert.deepEqual(ids(await get("?q=%25")), []); // % is a character, not a wildcard
        assert.equal((await get("?q=learner")).total, 2);
      },
    );

    await step.step("filters combine: level, cohort, track, band, attention", async () => {
      assert.deepEqual(ids(await get("?level=senior&cohort=c1")), [A, D]);
      assert.deepEqual(ids(await get("?level=senior&cohort=c1&q=bob")), [D]);
      assert.deepEqual(ids(await get("?track=frontend")), [B]);
      assert.deepEqual(ids(await get("?band=none")), [C]);
      assert.deepEqual(ids(await get("?band=Developing")), [B]);
      // The needs-attention rules: B stalled (answers stopped 20 days ago, below 70); D declining
      // (70.1 is 9.9 below 80); C never answered; A answered a day ago and climbs.
      assert.deepEqual(ids(await get("?attention=true")), [D, B]);
      assert.deepEqual(ids(await get("?attention=false&sort=name")), [A, C]);
      assert.equal((await get("?level=senior&band=Strong")).total, 0);
    });

    await step.step("sorts: nulls last in both orders, ties by user id", async () => {
      assert.deepEqual(ids(await get("?sort=delta")), [A, D, B, C]);
      assert.deepEqual(ids(await get("?sort=delta&order=asc")), [D, A, B, C]);
      assert.deepEqual(ids(await get("?sort=readiness")), [A, D, B, C]);
      assert.deepEqual(ids(await get("?sort=readiness&order=asc")), [B, D, A, C]);
      assert.deepEqual(ids(await get("?sort=sessions")), [D, A, B, C]);
      assert.deepEqual(ids(await get("?sort=name")), [A, D, B, C]);
      assert.deepEqual(ids(await get("?sort=name&order=desc")), [C, B, D, A]);
      assert.deepEqual(ids(await get("?sort=last_active&order=asc")), [B, D, A, C]);
    });

    await step.step(
      "keyset paging: rows added between pages never repeat or skip a row",
      async () => {
        for (const sort of ["readiness", "last_active", "sessions", "delta", "name"]) {
          for (const order of ["asc", "desc"]) {
            const all = ids(await get(`?sort=${sort}&order=${order}&limit=200`));
            const seen: string[] = [];
            let cursor: string | null = null;
            let page = 0;
            do {
              const body = await get(
                `?sort=${sort}&order=${order}&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
              );
              seen.push(...ids(body).filter((id) => all.includes(id)));
              cursor = body.next_cursor;
              // Learners that sort before, between and after the rows already seen.
              const fresh = crypto.randomUUID();
              await learner(
                sql,
                fresh,
                { display_name: `${"amz"[page % 3]} new ${page}`, level: "senior" },
                page % 2 ? [] : [page % 3],
                [[page % 2 ? 99 : 1, "Strong"], [50, "Developing"]],
              );
              page++;
            } while (cursor);
            assert.deepEqual(seen, all, `${sort} ${order}`);
            // The learners added go as an erase takes them: their directory row and count first.
            for (
              const { user_id } of await sql<{ user_id: string }[]>`
                select user_id from analytics.learners where user_id not in (${A}, ${B}, ${C}, ${D})`
            ) await forgetDirectory(sql, user_id);
            for (const table of ["user_readiness", "sessions", "session_owners", "learners"]) {
              await sql`delete from ${sql("analytics." + table)}
                        where user_id not in (${A}, ${B}, ${C}, ${D})`;
            }
          }
        }
        const first = await get("?limit=2");
        assert.equal(first.total, 4);
        assert.deepEqual(ids(first), [A, D]);
        assert.deepEqual(ids(await get(`?limit=2&cursor=${first.next_cursor}`)), [B, C]);
      },
    );

    await step.step("bad sort, order, limit or cursor: 400 naming the field", async () => {
      const bad = async (query: string, field: string) => {
        const res = await t.call("GET", `/api/learners${query}`, { token: coach });
        assert.equal(res.status, 400, query);
        assert.deepEqual(res.body.error.issues[0].path, [field], JSON.stringify(res.body));
        assert.match(res.body.error.message, new RegExp(field));
      };
      await bad("?sort=age", "sort");
      await bad("?order=up", "order");
      await bad("?limit=201", "limit");
      await bad("?limit=0", "limit");
      await bad("?band=Gold", "band");
      await bad("?cursor=nonsense!", "cursor");
      await bad(`?cursor=${btoa("[1,2]")}`, "cursor");
      const { next_cursor } = await get("?limit=1");
      await bad(`?sort=name&cursor=${next_cursor}`, "cursor");
      // A well-formed cursor whose value the sort key's type refuses.
      const forged = btoa(JSON.stringify(["last_active", "desc", "2026-13-45 10:00:00+00", A]))
        .replaceAll("=", "");
      await bad(`?cursor=${forged}`, "cursor");
    });

    await step.step("CSV: every matching row, Accept or format=csv, spreadsheet-safe", async () => {
      await sql`update analytics.learners set display_name = '=HYPERLINK("x"), evil' where user_id = ${C}`;
      await refreshDirectory(sql, [C]); // as a profile write keeps the directory row
      const res = await t.app.request("/api/learners?level=senior&sort=name&limit=1", {
        headers: { authorization: `Bearer ${coach}`, accept: "text/csv" },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type")!, /^text\/csv/);
      const text = await res.text();
      const lines = text.split("\r\n");
      assert.equal(
        lines[0],
        "user_id,label,level,track,cohort,sessions,last_active,readiness,band,delta",
      );
      assert.equal(lines.length, 5); // header, three senior learners, and the final CRLF
      assert.equal(lines.at(-1), "");
      assert.ok(lines[1].startsWith(`${C},"'=HYPERLINK(""x""), evil",senior,,,0,,,,`), lines[1]);
      assert.match(
        lines[2],
        new RegExp(`^${A},Ada Lovelace,senior,,c1,2,\\d{4}-.*,72.5,Nearly Ready,12.5$`),
      );
      assert.match(lines[3], /,-9.9$/); // a negative number stays a number
      const viaFormat = await t.app.request("/api/learners?level=senior&sort=name&format=csv", {
        headers: { authorization: `Bearer ${coach}` },
      });
      assert.equal(await viaFormat.text(), text);
    });
  } finally {
    await t.close();
  }
});

Deno.test("display name: PUT sets it, omitted keeps it, null clears it; GET returns it", async () => {
  const t = await startTestApp();
  const service = await t.token("service");
  try {
    const user = crypto.randomUUID();
    const put = (body: unknown) => t.call("PUT", `/api/learners/${user}`, { token: service, body });
    assert.equal((await put({ display_name: "  Grace Hopper ", level: "staff" })).status, 201);
    assert.equal((await put({ level: "senior" })).body.display_name, "Grace Hopper");
    const got = await t.call("GET", `/api/learners/${user}`, { token: await t.token("coach") });
    assert.deepEqual([got.body.display_name, got.body.level], ["Grace Hopper", "senior"]);
    for (const bad of ["", "   ", "x".repeat(101), 7]) {
      const res = await put({ display_name: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.match(JSON.stringify(res.body.error.issues), /display_name/);
    }
    assert.equal((await put({ display_name: "x".repeat(100) })).status, 200);
    assert.equal((await put({ display_name: null })).body.display_name, null);
    const [row] = await t.db
      .sql`select display_name from analytics.learners where user_id = ${user}`;
    assert.equal(row.display_name, null);
  } finally {
    await t.close();
  }
});
