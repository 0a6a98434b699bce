import assert from "node:assert/strict";
import {
  citusViolations,
  distribute,
  distributionStatements,
  PER_LEARNER_TABLES,
  placements,
} from "./citus.ts";
import { migrateUp, runDbmate } from "./migrate.ts";
import { createEmptyTestDatabase, createTestDatabase } from "../../tests/db.ts";

/** First migration whose schema follows the distribution rules. */
const DISTRIBUTION_READY = "20261125000200";

Deno.test("the migrated schema follows Citus's rules for distribution by user_id", async (t) => {
  const db = await createTestDatabase();
  try {
    await t.step("per-learner tables: user_id NOT NULL, in every key and foreign key", async () => {
      assert.deepEqual(await citusViolations(db.sql), []);
    });

    await t.step("every table is placed; referenced tables come first", async () => {
      const plan = await placements(db.sql);
      const kind = Object.fromEntries(plan.map((p) => [p.table, p.kind]));
      for (const table of PER_LEARNER_TABLES) assert.equal(kind[table], "per_learner", table);
      assert.equal(kind.session_owners, "directory");
      assert.equal(kind.unattached_transcripts, "reference");
      assert.equal(kind.unattached_scorecards, "reference");
      // Tombstones are keyed by a hash of the user id, not by user_id: replicated to every node.
      assert.equal(kind.erased_learners, "reference");
      const at = (t: string) => plan.findIndex((p) => p.table === t);
      assert.ok(at("learners") < at("sessions") && at("sessions") < at("session_events"));
      assert.ok(at("learners") < at("user_readiness") && at("learners") < at("user_skill_agg"));
      assert.ok(at("learners") < at("interview_outcomes"));
    });

    await t.step("the statements db:distribute runs on a Citus cluster", async () => {
      const statements = distributionStatements(await placements(db.sql));
      for (const table of PER_LEARNER_TABLES) {
        assert.ok(
          statements.includes(
            `select create_distributed_table('analytics.${table}', 'user_id', colocate_with => 'default')`,
          ),
          table,
        );
      }
      assert.ok(statements.includes(
        "select create_distributed_table('analytics.session_owners', 'session_id', colocate_with => 'none')",
      ));
      assert.ok(
        statements.includes("select create_reference_table('analytics.unattached_transcripts')"),
      );
      assert.ok(
        statements.includes("select create_reference_table('analytics.unattached_scorecards')"),
      );
    });

    await t.step("on a database without the citus extension: nothing to do", async () => {
      assert.deepEqual(await distribute(db.sql), ["not a Citus cluster, nothing to do"]);
    });

    await t.step("deno task db:distribute says so and exits 0", async () => {
      const env: Record<string, string> = { PULSE_ANALYTICS_DATABASE_URL: db.url };
      for (const name of Object.keys(Deno.env.toObject())) {
        if (name.startsWith("PULSE_ANALYTICS_DB_")) env[name] = "";
      }
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL("../../scripts/db.ts", import.meta.url).pathname, "distribute"],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, text);
      assert.match(text, /^not a Citus cluster, nothing to do$/m);
    });
  } finally {
    await db.close();
  }
});

Deno.test("the catalog check finds each kind of rule break", async () => {
  const db = await createEmptyTestDatabase();
  try {
    await db.sql.unsafe(`
      create schema sample;
      create table sample.learners (user_id uuid primary key);
      create table sample.sessions (
        session_id uuid primary key,
        user_id    uuid not null references sample.learners (user_id),
        constraint sessions_user_session_key unique (user_id, session_id)
      );
      create table sample.answers (
        id         bigserial primary key,
        user_id    uuid,
        session_id uuid not null,
        learner_id uuid references sample.learners (user_id),
        constraint answers_session_fkey foreign key (session_id) references sample.sessions (session_id)
      );
      create unique index answers_session_idx on sample.answers (session_id, id);
      create table sample.notes (id int primary key, session_id uuid references sample.sessions (session_id));
      create table sample.good (
        user_id uuid not null references sample.learners (user_id),
        session_id uuid not null,
        primary key (user_id, session_id),
        foreign key (user_id, session_id) references sample.sessions (user_id, session_id)
      );`);
    assert.deepEqual(
      (await citusViolations(db.sql, "sample")).sort(),
      [
        "answers.user_id allows NULL",
        "answers: foreign key answers_learner_id_fkey does not pair user_id with sample.learners.user_id",
        "answers: foreign key answers_session_fkey does not pair user_id with sample.sessions.user_id",
        "answers: primary key answers_pkey does not include user_id",
        "answers: unique index answers_session_idx does not include user_id",
        "notes: foreign key notes_session_id_fkey points into per-learner table sessions",
        "sessions: primary key sessions_pkey does not include user_id",
      ].sort(),
    );
  } finally {
    await db.close();
  }
});

Deno.test("the schema before the distribution migrations breaks the rules where Citus refused it", async () => {
  const db = await createEmptyTestDatabase();
  try {
    await migrateUp(db.url, { quiet: true });
    const latest = async () =>
      (await db.sql<{ v: string }[]>`select max(version) as v from public.schema_migrations`)[0].v;
    while ((await latest()) >= DISTRIBUTION_READY) {
      await runDbmate(db.url, ["rollback"], { quiet: true });
    }
    const problems = await citusViolations(db.sql);
    const tables = [...new Set(problems.map((p) => p.split(/[.:]/)[0]))].sort();
    // learners and user_skill_agg could be distributed; these five could not.
    assert.deepEqual(tables, [
      "scorecards",
      "session_events",
      "session_transcripts",
      "sessions",
      "user_readiness",
    ]);
    assert.ok(problems.includes("session_transcripts.user_id allows NULL"), problems.join("\n"));
    assert.ok(
      problems.includes("sessions: primary key sessions_pkey does not include user_id"),
      problems.join("\n"),
    );
    // And back up: the rules hold again.
    await migrateUp(db.url, { quiet: true });
    assert.deepEqual(await citusViolations(db.sql), []);
  } finally {
    await db.close();
  }
});

/**
 * The top-level `ALTER TABLE` statements of a migration section (comments, quoted text and `$$`
 * bodies, such as a DO block's EXECUTEs, left out), lowercased on one line each.
 */
function topLevelAlters(section: string): string[] {
  const plain = section.replace(/--[^\n]*/g, "").replace(/\$\$[\s\S]*?\$\$/g, "$$$$")
    .replace(/'(?:[^']|'')*'/g, "''");
  return plain.split(";").map((s) => s.trim().replace(/\s+/g, " ").toLowerCase())
    .filter((s) => s.startsWith("alter table"));
}

/** An ALTER TABLE that a Citus cluster refuses when dbmate sends the whole file at once. */
function refusedInAFile(alter: string): boolean {
  let depth = 0;
  let subcommands = 1;
  for (const ch of alter) {
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) subcommands++;
  }
  return subcommands > 1 || /drop column|set not null|drop default|add constraint/.test(alter);
}

Deno.test("migrations run on a cluster whose tables are distributed: no refused ALTER outside an EXECUTE", () => {
  // On a distributed table Citus sends some ALTER TABLE statements to the shards as the text of
  // the whole statement string, and dbmate sends a migration file as one string: several
  // subcommands in one ALTER, or DROP COLUMN, SET NOT NULL, DROP DEFAULT or ADD CONSTRAINT, fail
  // with "cannot insert multiple commands into a prepared statement" (docs/citus.md, "Later
  // migrations"); in an EXECUTE of a DO block they run. Both sections of every migration since the
  // first one written for distributed tables.
  const since = "20261125000300";
  const dir = new URL("../../migrations/", import.meta.url);
  const refused: string[] = [];
  for (const entry of [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name))) {
    const [up, down = ""] = Deno.readTextFileSync(new URL(entry.name, dir)).split(
      /^-- migrate:down/m,
    );
    const sections = entry.name >= since ? [["up", up], ["down", down]] : [];
    for (const [name, text] of sections) {
      for (const alter of topLevelAlters(text)) {
        if (refusedInAFile(alter)) refused.push(`${entry.name} (${name}): ${alter.slice(0, 80)}`);
      }
    }
  }
  assert.deepEqual(refused, []);
  // The check finds what it is for: the two forms seen refused on a cluster.
  assert.ok(refusedInAFile(topLevelAlters("alter table a add column b int, add column c int;")[0]));
  assert.ok(refusedInAFile(topLevelAlters("alter table a drop column b;")[0]));
  assert.ok(!refusedInAFile(topLevelAlters("alter table a add column b int;")[0]));
  assert.deepEqual(
    topLevelAlters("do $$ begin execute 'alter table a drop column b'; end $$;"),
    [],
  );
});
