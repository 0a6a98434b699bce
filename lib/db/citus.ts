/**
 * Distribution by learner on Citus (Azure Cosmos DB for PostgreSQL, elastic clusters): the rules
 * the schema must follow, read from pg_catalog, and the statements that distribute it.
 *
 * Per-learner tables are the `analytics` tables with a `user_id` column, except the ones named in
 * SESSION_DIRECTORY. Citus hash-distributes them on user_id, all co-located, which requires:
 * user_id NOT NULL; every primary key, unique constraint or unique index includes user_id; every
 * foreign key between them includes user_id on both sides, at the same position.
 */
import type { Queryable } from "./client.ts";

export const SCHEMA = "analytics";
export const DISTRIBUTION_COLUMN = "user_id";
/** The per-learner tables of the data model (the catalog decides; this list is what tests expect). */
export const PER_LEARNER_TABLES = [
  "learners",
  "sessions",
  "session_events",
  "user_skill_agg",
  "user_readiness",
  "scorecards",
  "session_transcripts",
  "interview_outcomes",
] as const;
/** Keyed by session id alone (one learner per session): distributed by session_id on its own. */
export const SESSION_DIRECTORY = { table: "session_owners", column: "session_id" } as const;

export type Placement =
  | { table: string; kind: "per_learner" }
  | { table: string; kind: "directory"; column: string }
  | { table: string; kind: "reference" };

/** Every table of `schema` and where it goes on Citus; referenced tables before their referrers. */
export async function placements(sql: Queryable, schema = SCHEMA): Promise<Placement[]> {
  const tables = await sql<{ table: string; has_user: boolean }[]>`
    select c.relname as table,
           exists (select 1 from pg_attribute a
                   where a.attrelid = c.oid and a.attname = ${DISTRIBUTION_COLUMN}
                     and not a.attisdropped) as has_user
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'p')
    order by c.relname`;
  const edges = await sql<{ from: string; to: string }[]>`
    select c.relname as from, r.relname as to
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_class r on r.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = ${schema} and k.conrelid <> k.confrelid`;
  const placed: Placement[] = tables.map(({ table, has_user }) =>
    table === SESSION_DIRECTORY.table
      ? { table, kind: "directory", column: SESSION_DIRECTORY.column }
      : has_user
      ? { table, kind: "per_learner" }
      : { table, kind: "reference" }
  );
  // Citus distributes a table only after the tables its foreign keys point to.
  const ordered: Placement[] = [];
  const done = new Set<string>();
  const visit = (p: Placement, path: Set<string>) => {
    if (done.has(p.table) || path.has(p.table)) return;
    path.add(p.table);
    for (const e of edges.filter((e) => e.from === p.table)) {
      const target = placed.find((q) => q.table === e.to);
      if (target) visit(target, path);
    }
    done.add(p.table);
    ordered.push(p);
  };
  for (const p of placed) visit(p, new Set());
  return ordered;
}

/**
 * What keeps the per-learner tables of `schema` from being distributed by user_id, one sentence
 * each; empty when Citus would accept them all.
 */
export async function citusViolations(sql: Queryable, schema = SCHEMA): Promise<string[]> {
  const perLearner = (await placements(sql, schema)).filter((p) => p.kind === "per_learner")
    .map((p) => p.table);
  if (perLearner.length === 0) return [];
  const problems: string[] = [];

  const nullable = await sql<{ table: string }[]>`
    select c.relname as table
    from pg_attribute a join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relname = any(${perLearner}::text[]) and a.attname = ${DISTRIBUTION_COLUMN}
      and not a.attnotnull`;
  for (const { table } of nullable) problems.push(`${table}.${DISTRIBUTION_COLUMN} allows NULL`);

  // Primary keys, unique and exclusion constraints, and unique indexes without a constraint.
  const unique = await sql<{ table: string; name: string; kind: string; has_user: boolean }[]>`
    select c.relname as table, i.relname as name,
           coalesce(k.contype::text, 'i') as kind,
           exists (select 1 from unnest(x.indkey) as col(attnum)
                   join pg_attribute a on a.attrelid = c.oid and a.attnum = col.attnum
                   where a.attname = ${DISTRIBUTION_COLUMN}) as has_user
    from pg_index x
    join pg_class c on c.oid = x.indrelid
    join pg_class i on i.oid = x.indexrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_constraint k on k.conindid = x.indexrelid and k.conrelid = c.oid
    where n.nspname = ${schema} and c.relname = any(${perLearner}::text[])
      and (x.indisunique or k.contype = 'x')
    order by 1, 2`;
  const kinds: Record<string, string> = {
    p: "primary key",
    u: "unique constraint",
    x: "exclusion constraint",
    i: "unique index",
  };
  for (const u of unique.filter((u) => !u.has_user)) {
    problems.push(`${u.table}: ${kinds[u.kind] ?? u.kind} ${u.name} does not include user_id`);
  }

  // Foreign keys from a per-learner table: to another per-learner table, user_id ↔ user_id.
  const foreign = await sql<
    { table: string; name: string; target: string; target_schema: string; paired: boolean }[]
  >`
    select c.relname as table, k.conname as name, r.relname as target,
           rn.nspname as target_schema,
           exists (select 1 from unnest(k.conkey, k.confkey) as p(col, ref)
                   join pg_attribute a on a.attrelid = k.conrelid and a.attnum = p.col
                   join pg_attribute b on b.attrelid = k.confrelid and b.attnum = p.ref
                   where a.attname = ${DISTRIBUTION_COLUMN}
                     and b.attname = ${DISTRIBUTION_COLUMN}) as paired
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_class r on r.oid = k.confrelid
    join pg_namespace rn on rn.oid = r.relnamespace
    where k.contype = 'f' and n.nspname = ${schema} and c.relname = any(${perLearner}::text[])
    order by 1, 2`;
  for (const f of foreign) {
    const target = `${f.target_schema}.${f.target}`;
    if (f.target_schema !== schema || !perLearner.includes(f.target)) {
      problems.push(
        `${f.table}: foreign key ${f.name} points to ${target}, not a per-learner table`,
      );
    } else if (!f.paired) {
      problems.push(
        `${f.table}: foreign key ${f.name} does not pair user_id with ${target}.user_id`,
      );
    }
  }
  // Foreign keys from other tables into the per-learner ones cannot be kept either.
  const inbound = await sql<{ table: string; name: string; target: string }[]>`
    select c.relname as table, k.conname as name, r.relname as target
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_class r on r.oid = k.confrelid
    join pg_namespace rn on rn.oid = r.relnamespace
    where k.contype = 'f' and rn.nspname = ${schema} and r.relname = any(${perLearner}::text[])
      and not (n.nspname = ${schema} and c.relname = any(${perLearner}::text[]))
    order by 1, 2`;
  for (const f of inbound) {
    problems.push(`${f.table}: foreign key ${f.name} points into per-learner table ${f.target}`);
  }
  return problems;
}

/** The statements that distribute `schema`: per-learner tables co-located on user_id. */
export function distributionStatements(plan: Placement[], schema = SCHEMA): string[] {
  return plan.map((p) => {
    const name = `'${schema}.${p.table}'`;
    switch (p.kind) {
      case "per_learner":
        return `select create_distributed_table(${name}, '${DISTRIBUTION_COLUMN}', colocate_with => 'default')`;
      case "directory":
        return `select create_distributed_table(${name}, '${p.column}', colocate_with => 'none')`;
      case "reference":
        return `select create_reference_table(${name})`;
    }
  });
}

/** True when the citus extension is installed in the database. */
export async function isCitus(sql: Queryable): Promise<boolean> {
  const [row] = await sql<{ citus: boolean }[]>`
    select exists (select 1 from pg_extension where extname = 'citus') as citus`;
  return row.citus;
}

const known = new WeakMap<object, Promise<boolean>>();

/**
 * `isCitus`, asked once per client: a pool's answer is kept for its life (a database does not turn
 * into a cluster under a running app; `db:distribute` is run before it starts). For the statements
 * of a request's hot path, which would otherwise pay a round trip for it every time. A failed
 * question is not kept.
 */
export function isCitusOnce(sql: Queryable): Promise<boolean> {
  let answer = known.get(sql);
  if (!answer) {
    answer = isCitus(sql);
    answer.catch(() => known.delete(sql));
    known.set(sql, answer);
  }
  return answer;
}

/**
 * Distributes the schema on a Citus cluster; tables already distributed are left as they are, so
 * a second run does nothing. Returns the lines to print.
 */
export async function distribute(sql: Queryable, schema = SCHEMA): Promise<string[]> {
  if (!(await isCitus(sql))) return ["not a Citus cluster, nothing to do"];
  const problems = await citusViolations(sql, schema);
  if (problems.length > 0) {
    throw new Error(`the schema cannot be distributed by user_id:\n${problems.join("\n")}`);
  }
  const plan = await placements(sql, schema);
  const existing = new Set(
    (await sql<{ table: string }[]>`
      select c.relname as table from pg_dist_partition d
      join pg_class c on c.oid = d.logicalrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema}`).map((r) => r.table),
  );
  const lines: string[] = [];
  const statements = distributionStatements(plan, schema);
  for (const [i, p] of plan.entries()) {
    if (existing.has(p.table)) {
      lines.push(`${schema}.${p.table}: already distributed`);
      continue;
    }
    await sql.unsafe(statements[i]);
    lines.push(`${schema}.${p.table}: ${statements[i].replace(/^select /, "")}`);
  }
  return lines;
}
