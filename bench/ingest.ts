/**
 * Ingest throughput: one 1,000-answer × 4-skill request through the real HTTP handler, on the server
 * and on embedded PGlite. Baseline: a bare multi-row INSERT of the same rows into a scratch table
 * (no validation, no JSON, no HTTP) in the same run.
 */
import { createApp } from "../app.ts";
import { issueToken } from "../lib/auth.ts";
import { loadConfig } from "../lib/config.ts";
import { loadStaticConfig } from "../lib/static_config.ts";
import { type Bench, median, onEachDatabase, type TestDatabase } from "./helpers.ts";

const SECRET = "bench-secret-for-pulse-analytics-0000000000";
const SKILLS = ["communication", "technical_depth", "structure", "behavioral_examples"];

function request(userId: string, answers: number) {
  return {
    user_id: userId,
    scenario_id: "bench",
    answers: Array.from({ length: answers }, (_, i) => ({
      answer_id: `a${i}`,
      ts: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString(),
      pulse_step: "lead",
      scores: Object.fromEntries(SKILLS.map((s, k) => [s, (i * 7 + k) % 101])),
      raw_metrics: { filler_words: i % 9 },
    })),
  };
}

async function measure(db: TestDatabase, label: string) {
  const config = { ...loadConfig({}), authSecret: SECRET };
  const app = createApp({ sql: db.sql, config, settings: loadStaticConfig() }, { log: false });
  const token = await issueToken(SECRET, "service", "bench");
  const rows = 1000 * SKILLS.length;
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const body = JSON.stringify(request(crypto.randomUUID(), 1000));
    const t0 = performance.now();
    const res = await app.request(`/api/sessions/${crypto.randomUUID()}/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body,
    });
    const out = await res.json();
    times.push(performance.now() - t0);
    if (out.inserted !== rows) throw new Error(`expected ${rows} rows, got ${JSON.stringify(out)}`);
  }
  // Baseline: the same number of rows in one plain multi-row insert.
  await db.sql`create temporary table if not exists bench_plain (a text, b text, c numeric)`;
  const plainRows = Array.from(
    { length: rows },
    (_, i) => ({ a: `a${i}`, b: SKILLS[i % 4], c: i % 101 }),
  );
  const base: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    await db.sql`insert into bench_plain ${db.sql(plainRows)}`;
    base.push(performance.now() - t0);
  }
  const ms = median(times);
  const baseMs = median(base);
  console.log(
    `${label}: 1,000 answers × 4 skills = ${rows} rows in ${ms.toFixed(0)} ms → ${
      Math.round(rows / (ms / 1000)).toLocaleString("en")
    } rows/s; plain INSERT baseline ${baseMs.toFixed(0)} ms; ratio ${(ms / baseMs).toFixed(2)}×`,
  );
}

export const ingestBench: Bench = {
  name: "ingest",
  summary: "one 1,000-answer request through the HTTP handler vs a plain multi-row INSERT",
  run: () => onEachDatabase(measure),
};
