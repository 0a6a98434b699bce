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
 * The top-level statements of a migration section (comments, quoted text and `$$` bodies, such as
 * a DO block's EXECUTEs, left out), lowercased on one line each.
 */
function topLevelStatements(section: string): string[] {
  const plain = section.replace(/--[^\n]*/g, "").replace(/\$\$[\s\S]*?\$\$/g, "$$$$")
    .replace(/'(?:[^']|'')*'/g, "''");
  return plain.split(";").map((s) => s.trim().replace(/\s+/g, " ").toLowerCase())
    .filter((s) => s !== "");
}

/** An ALTER TABLE that a Citus cluster refuses when dbmate sends the whole file at once. */
function refusedAlter(alter: string): boolean {
  let depth = 0;
  let subcommands = 1;
  for (const ch of alter) {
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) subcommands++;
  }
  return subcommands > 1 || /drop column|set not null|drop default|add constraint/.test(alter);
}

/**
 * The statements of a section that a cluster whose tables are distributed refuses when dbmate
 * sends the section as one string of several statements: the ALTERs above, and CREATE INDEX or
 * DROP INDEX on a table the section did not create (Citus forwards those to the shards as the
 * whole text too). A section of one statement is sent alone and passes.
 */
function refusedInASection(section: string): string[] {
  const statements = topLevelStatements(section);
  if (statements.length < 2) return [];
  const created = new Set(
    statements.map((s) => /^create table (?:if not exists )?([\w.]+)/.exec(s)?.[1])
      .filter((t) => t !== undefined),
  );
  return statements.filter((s) => {
    if (s.startsWith("alter table")) return refusedAlter(s);
    if (/^drop index/.test(s)) return true;
    const index = /^create (?:unique )?index .*? on (?:only )?([\w.]+)/.exec(s);
    return index !== null && !created.has(index[1]);
  });
}

/**
 * What a distributed table refuses in any form, EXECUTE or not ("alter table command is currently
 * unsupported" and the like): ADD COLUMN with a constraint (add the constraint apart), and SET
 * STORAGE unless the section sets it on the coordinator's table and the shards apart when the
 * table is distributed (as 20261209000500_learner_reads_inline.sql does).
 */
function unsupportedOnDistributed(section: string): string[] {
  const text = section.replace(/--[^\n]*/g, "").replace(/\s+/g, " ").toLowerCase();
  const created = new Set(
    [...text.matchAll(/create table (?:if not exists )?([\w.]+)/g)].map((m) => m[1]),
  );
  const found: string[] = [];
  for (const m of text.matchAll(/alter table (?:only )?([\w.]+) ([^;']*)/g)) {
    if (created.has(m[1])) continue;
    for (const sub of m[2].split(/,(?![^(]*\))/)) {
      const refused = /add column .*\b(check|references|unique|primary key)\b/.test(sub) ||
        (/set storage/.test(sub) && !/pg_dist_partition/.test(text));
      if (refused) found.push(`alter table ${m[1]} ${sub.trim()}`);
    }
  }
  return found;
}

Deno.test("migrations run on a cluster whose tables are distributed: no statement it refuses", () => {
  // On a distributed table Citus sends some DDL to the shards as the text of the whole statement
  // string, and dbmate sends a migration section as one string: several subcommands in one ALTER,
  // or DROP COLUMN, SET NOT NULL, DROP DEFAULT or ADD CONSTRAINT, and CREATE or DROP INDEX fail
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
    if (entry.name < since) continue;
    for (const [name, text] of [["up", up], ["down", down]]) {
      for (const statement of [...refusedInASection(text), ...unsupportedOnDistributed(text)]) {
        refused.push(`${entry.name} (${name}): ${statement.slice(0, 80)}`);
      }
    }
  }
  assert.deepEqual(refused, []);
  // The check finds what it is for: the forms seen refused on a cluster, and passes the others.
  const one = (text: string) => refusedInASection(`select 1; ${text}`);
  assert.equal(one("alter table a add column b int, add column c int;").length, 1);
  assert.equal(one("alter table a drop column b;").length, 1);
  assert.equal(one("alter table a add column b int;").length, 0);
  assert.equal(one("create index a_b on analytics.a (b);").length, 1);
  assert.equal(one("drop index analytics.a_b;").length, 1);
  assert.equal(
    one("create table analytics.a (b int); create index a_b on analytics.a (b);").length,
    0,
  );
  assert.equal(refusedInASection("drop index analytics.a_b;").length, 0);
  assert.equal(
    unsupportedOnDistributed(
      "do $$ begin execute 'alter table analytics.a add column b text check (b <> '')'; end $$;",
    ).length,
    1,
  );
  assert.equal(unsupportedOnDistributed("alter table analytics.a add column b text;").length, 0);
  assert.equal(
    unsupportedOnDistributed(
      "create table analytics.a (c int); alter table analytics.a add column b int references analytics.x;",
    ).length,
    0,
  );
  assert.equal(
    unsupportedOnDistributed("alter table a alter column b set storage main;").length,
    1,
  );
  assert.deepEqual(
    one("do $$ begin execute 'alter table a drop column b'; execute 'drop index c'; end $$;"),
    [],
  );
});
