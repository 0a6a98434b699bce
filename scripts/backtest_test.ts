/** deno task backtest: the table of an unchanged formula (difference 0) and a bad config (exit 2). */
import assert from "node:assert/strict";
import { createTestDatabase } from "../tests/db.ts";
import { recordSession } from "../tests/readiness_fixtures.ts";
import { runScript } from "../tests/scripts.ts";

const SCRIPT = new URL("./backtest.ts", import.meta.url).pathname;
const CURRENT = new URL("../config/readiness.json", import.meta.url).pathname;
const T = new Date("2026-11-10T12:00:00Z");

Deno.test("deno task backtest prints both formulas side by side", async () => {
  const db = await createTestDatabase();
  const dir = await Deno.makeTempDir({ prefix: "pulse-backtest-" });
  try {
    const env = { PULSE_ANALYTICS_DATABASE_URL: db.url };
    const learners: [number, string][] = [[80, "passed"], [70, "passed"], [50, "failed"], [
      40,
      "failed",
    ]];
    for (const [score, result] of learners) {
      const u = crypto.randomUUID();
      await recordSession(db.sql, u, 3, { communication: [score, score], structure: [score] }, T);
      await recordSession(db.sql, u, 2, { communication: [score], structure: [score] }, T);
      await db.sql`
        insert into analytics.interview_outcomes (user_id, outcome_id, occurred_at, result)
        values (${u}, 'o1', ${T}, ${result})`;
    }
    const period = ["--from", "2026-11-01T00:00:00Z", "--to", "2026-11-29T00:00:00Z"];
    const same = await runScript(SCRIPT, [CURRENT, ...period], env);
    assert.equal(same.code, 0, same.stderr.join("\n"));
    const text = same.stdout.join("\n");
    assert.match(text, /^paired\s+4\s+4$/m);
    assert.match(text, /^AUC \(95 % CI\)\s+100\.0 %/m);
    assert.match(
      text,
      /AUC difference \(candidate − current\), on 4 outcomes .*: 0\.0000 \(95 % CI 0\.0000 to 0\.0000/,
    );

    const bad = JSON.parse(await Deno.readTextFile(CURRENT));
    bad.components.technical.weight = 2;
    await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify(bad));
    const refused = await runScript(SCRIPT, [`${dir}/bad.json`], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr.join("\n"), /components\.technical\.weight Too big/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await db.close();
  }
});
