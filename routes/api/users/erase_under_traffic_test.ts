/** Erasing a learner while their answers, a completion and a recompute arrive: no 500, no half-write. */
import assert from "node:assert/strict";
import { learnerTables } from "../../../lib/privacy/mod.ts";
import { testServerUrl } from "../../../tests/db.ts";
import { startTestApp, type TestApp } from "../../../tests/harness.ts";

const ROUNDS = 10;
const INGESTS = 3;
const SKILLS = { communication: 70, system_design: 60, structure: 80, behavioral_examples: 75 };
const KINDS = ["ingest", "complete", "recompute", "erase"] as const;
type Kind = (typeof KINDS)[number];

/** An ingest of one answer (`answer_id`), four skills: four rows or none. */
function ingestBody(userId: string, answerId: string, second: number) {
  return {
    user_id: userId,
    scenario_id: "backend-senior-1",
    answers: [{
      answer_id: answerId,
      ts: new Date(Date.UTC(2026, 10, 2, 9, 0, second)).toISOString(),
      pulse_step: "lead",
      scores: SKILLS,
    }],
  };
}

/** Rows of the learner per analytics table with a user_id column. */
async function rowsOf(t: TestApp, userId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of await learnerTables(t.db.sql)) {
    const [{ n }] = await t.db.sql.unsafe(
      `select count(*)::int as n from ${table.qualified} where user_id = $1`,
      [userId],
    );
    out[table.name] = n;
  }
  return out;
}

Deno.test({
  name:
    "erase under traffic: ingest, completion, recompute and erase of one learner together end 2xx, 409 or 410, whole",
  // PGlite serves one connection: nothing would run concurrently, so the test proves nothing there.
  ignore: testServerUrl() === null,
  async fn() {
    const t = await startTestApp();
    const counts: Record<Kind, Record<number, number>> = {
      ingest: {},
      complete: {},
      recompute: {},
      erase: {},
    };
    try {
      const [service, admin] = [await t.token("service"), await t.token("admin")];
      for (let round = 0; round < ROUNDS; round++) {
        const userId = crypto.randomUUID();
        const sessionId = crypto.randomUUID();
        // Something to erase: a profile and a first answer.
        const put = await t.call("PUT", `/api/learners/${userId}`, {
          token: service,
          body: { level: "senior", track: "backend", cohort: "2026-q4" },
        });
        assert.equal(put.status, 201, JSON.stringify(put.body));
        const first = await t.call("POST", `/api/sessions/${sessionId}/events`, {
          token: service,
          body: ingestBody(userId, "a0", 0),
        });
        assert.equal(first.status, 200, JSON.stringify(first.body));

        const requests: { kind: Kind; run: () => ReturnType<TestApp["call"]> }[] = [
          ...Array.from({ length: INGESTS }, (_, i) => ({
            kind: "ingest" as const,
            run: () =>
              t.call("POST", `/api/sessions/${sessionId}/events`, {
                token: service,
                body: ingestBody(userId, `a${i + 1}`, i + 1),
              }),
          })),
          {
            kind: "complete",
            run: () =>
              t.call("POST", `/api/sessions/${sessionId}/complete`, {
                token: service,
                body: {
                  user_id: userId,
                  completed_at: "2026-11-02T10:00:00Z",
                  transcript: ["Coach: hello", "Learner: hi"],
                  scorecard: { bce_score: 70, mcf_score: 60, cpo_score: null },
                },
              }),
          },
          {
            kind: "recompute",
            run: () =>
              t.call("POST", "/api/admin/recompute-readiness", {
                token: admin,
                body: { user_id: userId },
              }),
          },
          {
            kind: "erase",
            run: () => t.call("DELETE", `/api/users/${userId}`, { token: admin }),
          },
        ];
        // Each app.request runs on its own connection of the app's pool.
        const results = await Promise.all(requests.map((r) => r.run()));
        for (const [i, { kind }] of requests.entries()) {
          const { status, body } = results[i];
          counts[kind][status] = (counts[kind][status] ?? 0) + 1;
          assert.ok(
            (status >= 200 && status < 300) || status === 409 || status === 410,
            `round ${round}: ${kind} answered ${status}: ${JSON.stringify(body)}`,
          );
        }

        // Erased for good: the tombstone, and no row in any table with a user_id. (Every round
        // erases, so a writer that came after the erase was refused.)
        const rows = await rowsOf(t, userId);
        const held = Object.values(rows).reduce((a, b) => a + b, 0);
        const [{ tombstones }] = await t.db.sql<{ tombstones: number }[]>`
          select count(*)::int as tombstones from analytics.erased_learners`;
        assert.equal(tombstones, round + 1, `round ${round}: one tombstone per erased learner`);
        assert.equal(held, 0, `round ${round}: rows left after the erase: ${JSON.stringify(rows)}`);
        // Otherwise (were the tombstone lifted) each request's writes are whole.
        const perAnswer = await t.db.sql<{ answer_id: string; n: number }[]>`
          select answer_id, count(*)::int as n from analytics.session_events
          where user_id = ${userId} group by answer_id`;
        for (const { answer_id, n } of perAnswer) {
          assert.equal(n, Object.keys(SKILLS).length, `round ${round}: answer ${answer_id} half`);
        }
        assert.equal(
          rows.session_transcripts,
          rows.scorecards,
          `round ${round}: transcript and scorecard go together`,
        );
        if (held > 0) assert.equal(rows.learners, 1, `round ${round}: rows without a learner`);
      }
    } finally {
      console.log(`erase under traffic, statuses per kind over ${ROUNDS} rounds:`);
      for (const kind of KINDS) console.log(`  ${kind}: ${JSON.stringify(counts[kind])}`);
      await t.close();
    }
  },
});
