/**
 * Which shards a statement would touch on Citus, read from its plan on plain PostgreSQL: Citus
 * routes a statement to one learner's shard when every scan of a distributed table is restricted
 * to constant values of its distribution column (`user_id = $n`, `user_id = any($n)`, directly or
 * through a join on user_id with such a table, which the planner turns into the same restriction),
 * and when the rows a statement inserts into a distributed table come from `values` or from such
 * restricted scans, never from a function's or a CTE's rows alone (Citus would pull those through
 * the coordinator). An insert in a WITH clause is never routed (Citus router-plans SELECT, UPDATE
 * and DELETE common table expressions only, and runs the statement in steps through the
 * coordinator), nor an INSERT … SELECT into a table whose rows take a sequence's value (the
 * `nextval` of a column default makes Citus pull the rows to the coordinator).
 */
import type { Queryable } from "../lib/db/mod.ts";
import { placements } from "../lib/db/citus.ts";

/** A statement a code path sent, with the parameters it was sent with. */
export interface SentStatement {
  label: string;
  query: string;
  parameters: readonly unknown[];
}

/** Distribution column of every distributed table of schema analytics (reference tables: none). */
export async function distributionColumns(sql: Queryable): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of await placements(sql)) {
    if (p.kind === "per_learner") out.set(p.table, "user_id");
    if (p.kind === "directory") out.set(p.table, p.column);
  }
  return out;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Schema?: string;
  Alias?: string;
  Operation?: string;
  "Parent Relationship"?: string;
  "Subplan Name"?: string;
  Output?: string[];
  "Index Cond"?: string;
  "Recheck Cond"?: string;
  Filter?: string;
  "TID Cond"?: string;
  Plans?: PlanNode[];
}

/** True when `condition` restricts `column` to constants (or parameters) on its own. */
function pins(condition: string | undefined, column: string): boolean {
  if (!condition) return false;
  const re = new RegExp(`(^|[^a-z_.])(\\w+\\.)?${column} = (ANY \\()?('|\\$\\d)`);
  return re.test(condition);
}

/** Scan conditions of a node, with those of its bitmap index scans. */
function conditions(node: PlanNode): string {
  const own = [node["Index Cond"], node["Recheck Cond"], node.Filter].filter(Boolean).join(" ");
  const bitmaps = node["Node Type"] === "Bitmap Heap Scan"
    ? (node.Plans ?? []).flatMap(function walk(n: PlanNode): string[] {
      return [n["Index Cond"] ?? "", ...(n.Plans ?? []).flatMap(walk)];
    })
    : [];
  return [own, ...bitmaps].join(" ");
}

const SCANS = new Set([
  "Seq Scan",
  "Index Scan",
  "Index Only Scan",
  "Bitmap Heap Scan",
  "Tid Scan",
  "Tid Range Scan",
  "Sample Scan",
]);

/**
 * Why `statement` would not be a router query to one shard on Citus (empty: it would be). Plans it
 * with EXPLAIN on `sql` (which must hold the schema), with the parameters it was sent with.
 */
export async function shardProblems(
  sql: Queryable,
  statement: Pick<SentStatement, "query" | "parameters">,
  columns: Map<string, string>,
): Promise<string[]> {
  const [{ "QUERY PLAN": [plan] }] = await sql.unsafe<{ "QUERY PLAN": { Plan: PlanNode }[] }[]>(
    `explain (format json, verbose) ${statement.query}`,
    statement.parameters as never[],
  );
  const problems: string[] = [];
  const distributedScans = (node: PlanNode): PlanNode[] => [
    ...(SCANS.has(node["Node Type"]) && columns.has(node["Relation Name"] ?? "") ? [node] : []),
    ...(node.Plans ?? []).flatMap(distributedScans),
  ];
  const walk = (node: PlanNode, cte: string | null) => {
    const table = node["Relation Name"] ?? "";
    const column = columns.get(table);
    if (column && node.Schema === "analytics") {
      if (SCANS.has(node["Node Type"]) && !pins(conditions(node), column)) {
        problems.push(
          `${node["Node Type"]} on ${table} without ${column} = constant` +
            (conditions(node) ? ` (${conditions(node)})` : ""),
        );
      }
      if (node["Node Type"] === "ModifyTable" && cte) {
        problems.push(
          `${node.Operation?.toLowerCase()} into ${table} in a WITH clause (${cte}: ` +
            `Citus runs the statement in steps through the coordinator)`,
        );
      }
      if (node["Node Type"] === "ModifyTable" && node.Operation === "Insert") {
        const source = node.Plans ?? [];
        const sequence = source.some((n) => (n.Output ?? []).some((o) => /\bnextval\(/.test(o)));
        const fromSelect = source.flatMap(distributedScans).length > 0;
        if (sequence && fromSelect) {
          problems.push(
            `insert into ${table} from a select, with a sequence's value (Citus pulls the rows ` +
              `to the coordinator)`,
          );
        }
        const feeds = source.flatMap(function kinds(n: PlanNode): string[] {
          return [n["Node Type"], ...(n.Plans ?? []).flatMap(kinds)];
        });
        const fromTables = source.flatMap(distributedScans).length > 0;
        const literal = feeds.every((k) => k === "Values Scan" || k === "Result");
        if (!fromTables && !literal) {
          problems.push(
            `insert into ${table} from ${[...new Set(feeds)].join(", ")} (no values, no ` +
              `${column}-restricted scan of a distributed table)`,
          );
        }
      }
    }
    for (const child of node.Plans ?? []) {
      walk(child, /^CTE /.test(child["Subplan Name"] ?? "") ? child["Subplan Name"]! : cte);
    }
  };
  walk(plan.Plan, null);
  return problems;
}

/** True when the statement names a table of schema analytics (the ones worth planning). */
export function touchesAnalytics(query: string): boolean {
  return /\banalytics\./i.test(query) &&
    !/^\s*(begin|commit|rollback|savepoint|release)\b/i.test(query);
}
