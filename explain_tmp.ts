import postgres from "postgres";
import { bandMovement, cohortAttention, cohortOverview, cohortSkills, resolveFilters } from "/work/wt-scale/lib/cohorts/mod.ts";
import { listDirectory } from "/work/wt-scale/lib/learners/directory.ts";
const which = Deno.args[0];
const level = Deno.args[1];
const sql = postgres("postgres://postgres@127.0.0.1:5432/" + (Deno.env.get("DB") ?? "pulse_scale5k"), {
  max: 1,
  onnotice: (n) => console.log(n.message),
});
await sql.unsafe(`load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on; set auto_explain.log_level = notice; set client_min_messages = notice`);
const f = resolveFilters(level ? { level } : {});
const t0 = performance.now();
if (which === "overview") await cohortOverview(sql, f);
if (which === "skills") await cohortSkills(sql, f);
if (which === "bands") await bandMovement(sql, f, "week");
if (which === "attention") await cohortAttention(sql, f, { limit: 50 });
if (which === "directory") await listDirectory(sql, { level: "senior", sort: "readiness", order: "desc", limit: 50 });
console.log("ms", performance.now() - t0);
await sql.end();
