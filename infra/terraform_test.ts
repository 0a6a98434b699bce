// Static checks of the Terraform under infra/ (there is no terraform binary in CI):
// every .tf / .tfvars.example file is parsed with hcl2json and checked for the
// module contract, env wiring, sizing, secrets and canonical `terraform fmt` style.
// Every checker is a pure function returning a list of problems, and each one is
// also run against a deliberately broken in-memory sample to prove it can fail.

import { parse } from "@cdktf/hcl2json";
import assert from "node:assert/strict";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const INFRA_DIR = import.meta.dirname!;
const TF_DIR = `${INFRA_DIR}/terraform`;
const MODULE_DIR = `${TF_DIR}/modules/pulse_analytics_postgres`;
const MODULE_SOURCE = "../../modules/pulse_analytics_postgres";
const ENVS = ["dev", "staging", "prod"] as const;
type EnvName = typeof ENVS[number];

const REQUIRED_MODULE_OUTPUTS = [
  "pulse_analytics_db_host",
  "pulse_analytics_db_port",
  "pulse_analytics_db_name",
  "pulse_analytics_db_user",
  "pulse_analytics_db_endpoint",
  "pulse_analytics_database_url",
];
const SENSITIVE_OUTPUTS = ["pulse_analytics_database_url", "pulse_analytics_db_password"];
const MODULE_META_ARGS = new Set([
  "source",
  "version",
  "providers",
  "depends_on",
  "count",
  "for_each",
]);

// ---------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asObject(value: Json | undefined, what: string): JsonObject {
  if (!isObject(value)) {
    throw new Error(`${what}: expected an object, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** hcl2json renders every block body as an array of bodies; labelled blocks as maps of those. */
function firstBody(value: Json | undefined, what: string): JsonObject {
  if (Array.isArray(value) && value.length === 1) return asObject(value[0], what);
  throw new Error(`${what}: expected exactly one block body, got ${JSON.stringify(value)}`);
}

/** `variable "x" {}` blocks (or outputs, modules ...) of a parsed directory, by label. */
function labelled(doc: JsonObject, kind: string): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  const group = doc[kind];
  if (group === undefined) return out;
  for (const [name, bodies] of Object.entries(asObject(group, kind))) {
    out[name] = firstBody(bodies, `${kind} "${name}"`);
  }
  return out;
}

function resources(doc: JsonObject, type: string): Record<string, JsonObject> {
  const group = doc.resource;
  if (!isObject(group) || group[type] === undefined) return {};
  const out: Record<string, JsonObject> = {};
  for (const [name, bodies] of Object.entries(asObject(group[type], type))) {
    out[name] = firstBody(bodies, `resource "${type}" "${name}"`);
  }
  return out;
}

function locals(doc: JsonObject): JsonObject {
  const out: JsonObject = {};
  const blocks = doc.locals;
  if (!Array.isArray(blocks)) return out;
  for (const block of blocks) Object.assign(out, asObject(block, "locals"));
  return out;
}

function stringsIn(value: Json): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isObject(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}

// ---------------------------------------------------------------------------
// Loading: parse every HCL file under infra/
// ---------------------------------------------------------------------------

async function walk(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name === ".terraform" || entry.name === "node_modules") continue;
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await walk(path));
    else if (entry.isFile) files.push(path);
  }
  return files.sort();
}

const isHcl = (path: string) => path.endsWith(".tf") || path.endsWith(".tfvars.example");
const rel = (path: string) => path.slice(INFRA_DIR.length + 1);

const ALL_FILES = await walk(INFRA_DIR);
const HCL_FILES = ALL_FILES.filter(isHcl);
const TEXT: Record<string, string> = {};
const PARSED: Record<string, JsonObject> = {};
for (const path of ALL_FILES) {
  TEXT[path] = await Deno.readTextFile(path);
}
for (const path of HCL_FILES) {
  PARSED[path] = await parse(path, TEXT[path]) as JsonObject;
}

/** Merge the parsed .tf files of one directory (one Terraform module), rejecting duplicates. */
function moduleDoc(dir: string): JsonObject {
  const merged: JsonObject = {};
  const files = HCL_FILES.filter((p) =>
    p.endsWith(".tf") && p.slice(0, p.lastIndexOf("/")) === dir
  );
  assert.ok(files.length > 0, `no .tf files in ${rel(dir)}`);
  for (const path of files) {
    for (const [kind, value] of Object.entries(PARSED[path])) {
      if (Array.isArray(value)) {
        merged[kind] = [...((merged[kind] as Json[] | undefined) ?? []), ...value];
      } else if (kind === "resource" || kind === "data") {
        const target = (merged[kind] ??= {}) as JsonObject;
        for (const [type, byName] of Object.entries(asObject(value, kind))) {
          const names = (target[type] ??= {}) as JsonObject;
          for (const [name, body] of Object.entries(asObject(byName, type))) {
            assert.ok(!(name in names), `duplicate ${kind} ${type}.${name} in ${rel(dir)}`);
            names[name] = body;
          }
        }
      } else {
        const target = (merged[kind] ??= {}) as JsonObject;
        for (const [name, body] of Object.entries(asObject(value, kind))) {
          assert.ok(!(name in target), `duplicate ${kind} "${name}" in ${rel(dir)}`);
          target[name] = body;
        }
      }
    }
  }
  return merged;
}

const MODULE = moduleDoc(MODULE_DIR);
const MODULE_VARS = labelled(MODULE, "variable");
const MODULE_OUTPUTS = labelled(MODULE, "output");
const ENV_DOCS = Object.fromEntries(
  ENVS.map((env) => [env, moduleDoc(`${TF_DIR}/envs/${env}`)]),
) as Record<
  EnvName,
  JsonObject
>;

// ---------------------------------------------------------------------------
// Checkers (pure; each returns the problems it found)
// ---------------------------------------------------------------------------

function checkVariablesDocumented(vars: Record<string, JsonObject>): string[] {
  const problems: string[] = [];
  for (const [name, body] of Object.entries(vars)) {
    if (typeof body.type !== "string" || !body.type.startsWith("${")) {
      problems.push(`variable "${name}" has no type`);
    }
    if (typeof body.description !== "string" || body.description.trim().length < 10) {
      problems.push(`variable "${name}" has no description`);
    }
  }
  return problems;
}

function checkPasswordVariable(vars: Record<string, JsonObject>): string[] {
  const body = vars.administrator_password;
  if (!body) return ['variable "administrator_password" is missing'];
  const problems: string[] = [];
  if (body.sensitive !== true) problems.push("administrator_password is not sensitive");
  if ("default" in body) problems.push("administrator_password has a default");
  if (body.type !== "${string}") problems.push("administrator_password is not a string");
  if (body.nullable === false) {
    problems.push("administrator_password must accept null (generated password)");
  }
  return problems;
}

function checkModuleOutputs(outputs: Record<string, JsonObject>): string[] {
  const problems: string[] = [];
  for (const name of REQUIRED_MODULE_OUTPUTS) {
    if (!outputs[name]) problems.push(`output "${name}" is missing`);
  }
  for (const name of SENSITIVE_OUTPUTS) {
    if (outputs[name] && outputs[name].sensitive !== true) {
      problems.push(`output "${name}" is not sensitive`);
    }
  }
  for (const [name, body] of Object.entries(outputs)) {
    if (typeof body.description !== "string") problems.push(`output "${name}" has no description`);
  }
  return problems;
}

const requiredVariables = (vars: Record<string, JsonObject>) =>
  Object.keys(vars).filter((name) => !("default" in vars[name]));

function moduleCall(envDoc: JsonObject): JsonObject | undefined {
  return Object.values(labelled(envDoc, "module")).find((m) => m.source === MODULE_SOURCE);
}

function checkModuleCall(envDoc: JsonObject, moduleVars: Record<string, JsonObject>): string[] {
  const call = labelled(envDoc, "module").pulse_analytics_postgres;
  if (!call) return ['module "pulse_analytics_postgres" is not instantiated'];
  const problems: string[] = [];
  if (call.source !== MODULE_SOURCE) {
    problems.push(`module source is ${call.source}, want ${MODULE_SOURCE}`);
  }
  for (const name of requiredVariables(moduleVars)) {
    if (!(name in call)) problems.push(`required module variable "${name}" is not passed`);
  }
  for (const name of Object.keys(call)) {
    if (!MODULE_META_ARGS.has(name) && !(name in moduleVars)) {
      problems.push(`module argument "${name}" is not a module variable`);
    }
  }
  return problems;
}

/** The value the env passes for a module input: a literal, or the default of `var.x`. */
function effectiveInput(envDoc: JsonObject, input: string): Json | undefined {
  const call = moduleCall(envDoc);
  if (!call || !(input in call)) return undefined;
  const value = call[input];
  const ref = typeof value === "string" ? /^\$\{var\.([a-z0-9_]+)\}$/.exec(value) : null;
  if (!ref) return value;
  const variable = labelled(envDoc, "variable")[ref[1]];
  return variable && "default" in variable ? variable.default : undefined;
}

function skuTierRank(sku: Json | undefined): number {
  const rank = ["B_", "GP_", "MO_"].findIndex((tier) =>
    typeof sku === "string" && sku.startsWith(tier)
  );
  if (rank < 0) throw new Error(`unknown SKU tier: ${JSON.stringify(sku)}`);
  return rank;
}

interface Sizing {
  sku: Json | undefined;
  storage: Json | undefined;
  retention: Json | undefined;
  ha: Json | undefined;
  geo: Json | undefined;
}

function sizing(envDoc: JsonObject): Sizing {
  return {
    sku: effectiveInput(envDoc, "sku_name"),
    storage: effectiveInput(envDoc, "storage_mb"),
    retention: effectiveInput(envDoc, "backup_retention_days"),
    ha: effectiveInput(envDoc, "high_availability_enabled"),
    geo: effectiveInput(envDoc, "geo_redundant_backup_enabled"),
  };
}

function checkSmallerThan(small: Sizing, big: Sizing, label: string): string[] {
  const problems: string[] = [];
  if (typeof small.storage !== "number" || typeof big.storage !== "number") {
    return [`${label}: storage_mb is not a literal number`];
  }
  if (small.storage > big.storage) {
    problems.push(`${label}: storage ${small.storage} > ${big.storage}`);
  }
  if (skuTierRank(small.sku) > skuTierRank(big.sku)) {
    problems.push(`${label}: SKU ${small.sku} above ${big.sku}`);
  }
  return problems;
}

function checkProductionGrade(prod: Sizing): string[] {
  const problems: string[] = [];
  if (prod.ha !== true) problems.push("prod: high_availability_enabled is not true");
  if (prod.geo !== true) problems.push("prod: geo_redundant_backup_enabled is not true");
  if (prod.retention !== 35) {
    problems.push(`prod: backup_retention_days is ${prod.retention}, want 35`);
  }
  if (skuTierRank(prod.sku) < 1) problems.push(`prod: ${prod.sku} is Burstable`);
  return problems;
}

// --- secrets ---------------------------------------------------------------

/** Values that are references or placeholders, not secrets: ${...}, $(...), $VAR, <...>. */
const isPlaceholder = (value: string) => value === "" || /^[$<]/.test(value);

function scanTextForSecrets(name: string, text: string): string[] {
  const problems: string[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const where = `${name}:${i + 1}`;
    // URLs with credentials: scheme://user:password@host
    for (
      const m of line.matchAll(/\b(?:postgres|postgresql|jdbc:postgresql):\/\/([^\s/@'"`]+)@/gi)
    ) {
      const colon = m[1].indexOf(":");
      if (colon >= 0 && !isPlaceholder(m[1].slice(colon + 1))) {
        problems.push(`${where}: connection string with credentials`);
      }
    }
    // password = "<literal>" (HCL, JSON, YAML) and PASSWORD=<literal> (shell, ADO.NET)
    for (const m of line.matchAll(/\b\w*(?:password|passwd|pwd)"?\s*[=:]\s*"([^"]*)"/gi)) {
      if (!isPlaceholder(m[1])) problems.push(`${where}: literal password`);
    }
    for (const m of line.matchAll(/\b\w*(?:password|passwd|pwd)=([^\s"'`;]+)/gi)) {
      if (!isPlaceholder(m[1])) problems.push(`${where}: literal password`);
    }
  });
  return problems;
}

/** Any attribute named *password with a literal (non-expression) string value. */
function scanParsedForSecrets(name: string, doc: Json, path = ""): string[] {
  const problems: string[] = [];
  if (Array.isArray(doc)) {
    doc.forEach((item, i) => problems.push(...scanParsedForSecrets(name, item, `${path}[${i}]`)));
  }
  if (isObject(doc)) {
    for (const [key, value] of Object.entries(doc)) {
      if (
        /(password|passwd|pwd)$/i.test(key) && typeof value === "string" && !value.includes("${")
      ) {
        problems.push(`${name}: ${path}.${key} is a literal`);
      }
      problems.push(...scanParsedForSecrets(name, value, `${path}.${key}`));
    }
  }
  return problems;
}

// --- formatting (what `terraform fmt` / hclwrite produces) ------------------

interface LineTokens {
  /** Net bracket change of the line ({ [ ( minus } ] )). */
  net: number;
  /** Column of the attribute `=` if the line is a single-line attribute. */
  assignCol: number | null;
  /** Whether the line is blank or inside a block comment (no formatting rules apply). */
  skip: boolean;
}

/**
 * A small HCL lexer, just enough for formatting: skips strings (with nested
 * ${...} templates), comments and heredocs, and reports bracket balance and the
 * position of a bare `=` (not ==, !=, <=, >=, =>).
 */
function lexLines(text: string): LineTokens[] {
  const lines = text.split("\n");
  const result: LineTokens[] = [];
  let inBlockComment = false;
  let heredocEnd: string | null = null;

  for (const line of lines) {
    if (heredocEnd !== null) {
      if (line.trim() === heredocEnd) heredocEnd = null;
      result.push({ net: 0, assignCol: null, skip: true });
      continue;
    }
    if (line.trim() === "" || (inBlockComment && !line.includes("*/"))) {
      result.push({ net: 0, assignCol: null, skip: true });
      continue;
    }
    const tokens: { kind: "open" | "close" | "eq"; col: number }[] = [];
    let i = 0;
    if (inBlockComment) {
      i = line.indexOf("*/") + 2;
      inBlockComment = false;
    }
    // Skip a quoted string starting at `start` (the opening quote); returns the index after it.
    const skipString = (start: number): number => {
      let j = start + 1;
      while (j < line.length) {
        const c = line[j];
        if (c === "\\") j += 2;
        else if (c === '"') return j + 1;
        else if ((c === "$" || c === "%") && line[j + 1] === "{") {
          if (line[j - 1] === c) j += 2; // $${ and %%{ are escapes
          else j = skipTemplate(j + 2);
        } else j++;
      }
      return j;
    };
    // Skip template expression contents up to and including the matching "}".
    const skipTemplate = (start: number): number => {
      let depth = 0;
      let j = start;
      while (j < line.length) {
        const c = line[j];
        if (c === '"') j = skipString(j);
        else if (c === "{") (depth++, j++);
        else if (c === "}") {
          if (depth === 0) return j + 1;
          depth--;
          j++;
        } else j++;
      }
      return j;
    };
    while (i < line.length) {
      const c = line[i];
      const next = line[i + 1];
      if (c === '"') i = skipString(i);
      else if (c === "#" || (c === "/" && next === "/")) break;
      else if (c === "/" && next === "*") {
        const end = line.indexOf("*/", i + 2);
        if (end < 0) {
          inBlockComment = true;
          break;
        }
        i = end + 2;
      } else if (c === "<" && next === "<" && /^<<-?[A-Za-z_]+\s*$/.test(line.slice(i))) {
        heredocEnd = line.slice(i).replace(/^<<-?/, "").trim();
        break;
      } else if ("{[(".includes(c)) (tokens.push({ kind: "open", col: i }), i++);
      else if ("}])".includes(c)) (tokens.push({ kind: "close", col: i }), i++);
      else if ("!<>=".includes(c) && next === "=") i += 2;
      else if (c === "=" && next === ">") i += 2;
      else if (c === "=") (tokens.push({ kind: "eq", col: i }), i++);
      else i++;
    }
    const net = tokens.reduce(
      (n, t) => n + (t.kind === "open" ? 1 : t.kind === "close" ? -1 : 0),
      0,
    );
    // hclwrite: the first `=` (not the line's first token) is an alignable
    // assignment only if the rest of the line is bracket-balanced.
    let assignCol: number | null = null;
    const eqIndex = tokens.findIndex((t) => t.kind === "eq");
    if (eqIndex >= 0 && line.slice(0, tokens[eqIndex].col).trim() !== "") {
      const rest = tokens.slice(eqIndex);
      const restNet = rest.reduce(
        (n, t) => n + (t.kind === "open" ? 1 : t.kind === "close" ? -1 : 0),
        0,
      );
      if (restNet === 0) assignCol = tokens[eqIndex].col;
    }
    result.push({ net, assignCol, skip: false });
  }
  return result;
}

function checkFormat(name: string, text: string): string[] {
  const problems: string[] = [];
  const lines = text.split("\n");
  if (!text.endsWith("\n") || text.endsWith("\n\n")) {
    problems.push(`${name}: must end with exactly one newline`);
  }
  if (text.includes("\r")) problems.push(`${name}: CR line endings`);

  const lexed = lexLines(text);
  // Indentation: hclwrite's algorithm - one level per line that opens brackets.
  const indents: number[] = [];
  lexed.forEach((tok, i) => {
    const line = lines[i];
    const where = `${name}:${i + 1}`;
    if (line.includes("\t")) problems.push(`${where}: tab character`);
    if (/[ \t]+$/.test(line)) problems.push(`${where}: trailing whitespace`);
    if (tok.skip) return;
    const actual = line.length - line.trimStart().length;
    let expected: number;
    if (tok.net > 0) {
      expected = 2 * indents.length;
      indents.push(tok.net);
    } else {
      let closed = -tok.net;
      while (closed > 0 && indents.length > 0) {
        const top = indents[indents.length - 1];
        if (closed >= top) {
          closed -= top;
          indents.pop();
        } else {
          indents[indents.length - 1] -= closed;
          closed = 0;
        }
      }
      expected = 2 * indents.length;
    }
    if (actual % 2 !== 0) problems.push(`${where}: indentation ${actual} is not a multiple of 2`);
    else if (actual !== expected) {
      problems.push(`${where}: indentation ${actual}, expected ${expected}`);
    }
  });

  // Alignment: `=` of consecutive single-line attributes sits one column after the longest name.
  let chain: number[] = [];
  const closeChain = () => {
    if (chain.length === 0) return;
    const width = Math.max(
      ...chain.map((i) => lines[i].slice(0, lexed[i].assignCol!).trimEnd().length),
    );
    for (const i of chain) {
      const col = lexed[i].assignCol!;
      if (col !== width + 1) {
        problems.push(`${name}:${i + 1}: "=" at column ${col + 1}, expected ${width + 2}`);
      }
      if (!/^= \S/.test(lines[i].slice(col))) {
        problems.push(`${name}:${i + 1}: need exactly one space after "="`);
      }
    }
    chain = [];
  };
  lexed.forEach((tok, i) => {
    if (tok.assignCol === null) closeChain();
    else chain.push(i);
  });
  closeChain();
  return problems;
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

Deno.test("every HCL file under infra/ parses", () => {
  assert.ok(
    HCL_FILES.length >= 20,
    `expected the module and three envs, found ${HCL_FILES.length} files`,
  );
  for (const path of HCL_FILES) assert.ok(isObject(PARSED[path]), rel(path));
  for (const file of ["main.tf", "variables.tf", "outputs.tf", "terraform.tf"]) {
    assert.ok(`${MODULE_DIR}/${file}` in TEXT, `module is missing ${file}`);
  }
});

Deno.test("parser rejects invalid HCL", async () => {
  await assert.rejects(() => parse("broken.tf", 'variable "x" {\n  type = \n}\n'));
});

Deno.test("module variables are typed and described; password is sensitive with no default", () => {
  assert.deepEqual(checkVariablesDocumented(MODULE_VARS), []);
  assert.deepEqual(checkPasswordVariable(MODULE_VARS), []);
  // the checkers do catch problems
  assert.deepEqual(checkVariablesDocumented({ x: { default: 1 } }), [
    'variable "x" has no type',
    'variable "x" has no description',
  ]);
  assert.deepEqual(
    checkPasswordVariable({
      administrator_password: { type: "${string}", default: null, nullable: true },
    }),
    ["administrator_password is not sensitive", "administrator_password has a default"],
  );
});

Deno.test("module variables carry the validations the platform needs", () => {
  const conditions = (name: string) =>
    stringsIn((MODULE_VARS[name]?.validation ?? []) as Json).filter((s) => s.startsWith("${")).join(
      "\n",
    );
  for (const size of [32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304]) {
    assert.match(conditions("storage_mb"), new RegExp(`\\b${size}\\b`));
  }
  for (const v of ["13", "14", "15", "16", "17"]) {
    assert.match(conditions("postgres_version"), new RegExp(`"${v}"`));
  }
  assert.match(conditions("name"), /regex\(/);
  assert.match(conditions("sku_name"), /B_.*GP_.*MO_/);
  assert.match(conditions("administrator_login"), /azure_superuser/);
  assert.match(conditions("administrator_login"), /"postgres"/);
  assert.match(conditions("backup_retention_days"), /7.*35/);
  assert.match(conditions("network_mode"), /"private".*"public"/);
  assert.match(conditions("delegated_subnet_id"), /var\.network_mode/);
  assert.match(conditions("private_dns_zone_id"), /var\.network_mode/);
  assert.equal(MODULE_VARS.database_name?.default, "pulse_analytics");
  assert.equal(MODULE_VARS.key_vault_id?.default, null);
  assert.equal(MODULE_VARS.tags?.type, "${map(string)}");
});

Deno.test("module resources: server, database, parameters, firewall, password, key vault", () => {
  const server = resources(MODULE, "azurerm_postgresql_flexible_server").this;
  assert.ok(server, "azurerm_postgresql_flexible_server.this");
  const dynamic = asObject(server.dynamic, "server dynamic blocks");
  assert.ok(dynamic.high_availability, "dynamic high_availability block");
  assert.ok(dynamic.maintenance_window, "dynamic maintenance_window block");
  assert.equal(server.backup_retention_days, "${var.backup_retention_days}");
  assert.equal(server.geo_redundant_backup_enabled, "${var.geo_redundant_backup_enabled}");
  assert.equal(server.administrator_password, "${local.administrator_password}");
  assert.match(String(server.public_network_access_enabled), /is_private/);
  const preconditions = stringsIn(firstBody(server.lifecycle, "lifecycle").precondition ?? []).join(
    "\n",
  );
  assert.match(preconditions, /delegated_subnet_id/);
  assert.match(preconditions, /private_dns_zone_id/);

  const database = resources(MODULE, "azurerm_postgresql_flexible_server_database").this;
  assert.equal(database?.name, "${var.database_name}");

  const config = resources(MODULE, "azurerm_postgresql_flexible_server_configuration").this;
  assert.equal(config?.for_each, "${local.server_parameters}");
  const params = String(locals(MODULE).server_parameters);
  assert.match(params, /"azure\.extensions"/);
  assert.match(String(locals(MODULE).allowed_extensions), /"PGCRYPTO"/);
  assert.match(params, /"require_secure_transport"\s*=\s*"on"/);

  const firewall = resources(MODULE, "azurerm_postgresql_flexible_server_firewall_rule").this;
  assert.match(String(firewall?.for_each), /var\.firewall_rules/);

  const random = resources(MODULE, "random_password").administrator;
  assert.match(String(random?.count), /var\.administrator_password == null/);
  const secrets = resources(MODULE, "azurerm_key_vault_secret");
  assert.ok(Object.keys(secrets).length >= 1, "azurerm_key_vault_secret");
  for (const secret of Object.values(secrets)) {
    assert.match(String(secret.count), /var\.key_vault_id/);
  }

  const terraform = firstBody(MODULE.terraform, "terraform");
  assert.match(String(terraform.required_version), />=\s*1\./);
  const providers = firstBody(terraform.required_providers, "required_providers");
  assert.deepEqual(providers.azurerm, { source: "hashicorp/azurerm", version: "~> 4.20" });
  assert.deepEqual(providers.random, { source: "hashicorp/random", version: "~> 3.6" });
});

Deno.test("module outputs exist and the URL is sensitive", () => {
  assert.deepEqual(checkModuleOutputs(MODULE_OUTPUTS), []);
  assert.match(String(locals(MODULE).database_url), /sslmode=require/);
  assert.match(String(locals(MODULE).database_url), /urlencode\(local\.administrator_password\)/);
  assert.deepEqual(
    checkModuleOutputs({ pulse_analytics_database_url: { value: "x", description: "d" } }),
    [
      'output "pulse_analytics_db_host" is missing',
      'output "pulse_analytics_db_port" is missing',
      'output "pulse_analytics_db_name" is missing',
      'output "pulse_analytics_db_user" is missing',
      'output "pulse_analytics_db_endpoint" is missing',
      'output "pulse_analytics_database_url" is not sensitive',
    ],
  );
});

Deno.test("references resolve: var.*, local.* and module outputs are declared", () => {
  const dirs = [MODULE_DIR, ...ENVS.map((env) => `${TF_DIR}/envs/${env}`)];
  for (const dir of dirs) {
    const doc = moduleDoc(dir);
    const expressions = stringsIn(doc).filter((s) => s.includes("${")).join("\n");
    const vars = new Set(Object.keys(labelled(doc, "variable")));
    const localNames = new Set(Object.keys(locals(doc)));
    for (const [, name] of expressions.matchAll(/\bvar\.([a-z0-9_]+)/g)) {
      assert.ok(vars.has(name), `${rel(dir)}: var.${name} is not declared`);
    }
    for (const [, name] of expressions.matchAll(/\blocal\.([a-z0-9_]+)/g)) {
      assert.ok(localNames.has(name), `${rel(dir)}: local.${name} is not declared`);
    }
    for (
      const [, name] of expressions.matchAll(/\bmodule\.pulse_analytics_postgres\.([a-z0-9_]+)/g)
    ) {
      assert.ok(name in MODULE_OUTPUTS, `${rel(dir)}: module output ${name} does not exist`);
    }
    for (
      const [, type, name] of expressions.matchAll(
        /\b((?:azurerm|random)_[a-z_]+)\.([a-z0-9_]+)\b/g,
      )
    ) {
      assert.ok(resources(doc, type)[name], `${rel(dir)}: ${type}.${name} is not declared`);
    }
  }
});

Deno.test("each env instantiates the module with every required variable", () => {
  const required = requiredVariables(MODULE_VARS);
  for (
    const name of [
      "name",
      "resource_group_name",
      "location",
      "sku_name",
      "storage_mb",
      "administrator_password",
    ]
  ) {
    assert.ok(required.includes(name), `${name} should be a required module variable`);
  }
  for (const env of ENVS) {
    assert.deepEqual(checkModuleCall(ENV_DOCS[env], MODULE_VARS), [], env);
    assert.deepEqual(checkVariablesDocumented(labelled(ENV_DOCS[env], "variable")), [], env);
    const passwordVar = labelled(ENV_DOCS[env], "variable").administrator_password;
    assert.equal(passwordVar?.sensitive, true, `${env}: administrator_password must be sensitive`);
  }
  // a call that forgets inputs or passes unknown ones is caught
  const broken = {
    module: { pulse_analytics_postgres: [{ source: MODULE_SOURCE, name: "x", colour: "red" }] },
  };
  const problems = checkModuleCall(broken, MODULE_VARS);
  assert.ok(
    problems.includes('required module variable "location" is not passed'),
    problems.join("\n"),
  );
  assert.ok(
    problems.includes('module argument "colour" is not a module variable'),
    problems.join("\n"),
  );
});

Deno.test("env roots are thin: backend, provider and wiring identical; only inputs differ", () => {
  for (const env of ENVS) {
    const dir = `${TF_DIR}/envs/${env}`;
    for (
      const file of [
        "backend.tf",
        "main.tf",
        "variables.tf",
        "outputs.tf",
        "terraform.tfvars.example",
      ]
    ) {
      assert.ok(`${dir}/${file}` in TEXT, `${env} is missing ${file}`);
    }
    const terraform = firstBody(PARSED[`${dir}/backend.tf`].terraform, "terraform");
    assert.deepEqual(
      terraform.backend,
      { azurerm: [{}] },
      `${env}: backend "azurerm" {} with -backend-config`,
    );
    const provider = labelled(ENV_DOCS[env], "provider").azurerm;
    assert.ok(provider && "features" in provider, `${env}: provider azurerm with features {}`);
    for (const file of ["main.tf", "outputs.tf", "backend.tf", "terraform.tf"]) {
      assert.equal(
        TEXT[`${dir}/${file}`],
        TEXT[`${TF_DIR}/envs/dev/${file}`],
        `${env}/${file} differs from dev`,
      );
    }
    const types = (e: EnvName) =>
      Object.entries(labelled(ENV_DOCS[e], "variable")).map(([name, body]) =>
        `${name}:${body.type}`
      );
    assert.deepEqual(types(env), types("dev"), `${env} declares different variables than dev`);
    const outputs = labelled(ENV_DOCS[env], "output");
    assert.deepEqual(checkModuleOutputs(outputs), [], env);
  }
});

Deno.test("dev is smaller than staging and prod; prod has HA and geo-redundant backups", () => {
  const [dev, staging, prod] = ENVS.map((env) => sizing(ENV_DOCS[env]));
  assert.deepEqual(checkSmallerThan(dev, staging, "dev<=staging"), []);
  assert.deepEqual(checkSmallerThan(staging, prod, "staging<=prod"), []);
  assert.ok((dev.storage as number) < (prod.storage as number), "dev storage must be below prod");
  assert.ok(
    skuTierRank(dev.sku) < skuTierRank(prod.sku),
    `dev ${dev.sku} must be a lower tier than prod ${prod.sku}`,
  );
  assert.equal(dev.sku, "B_Standard_B1ms");
  assert.equal(dev.storage, 32768);
  assert.equal(dev.retention, 7);
  assert.equal(dev.ha, false);
  assert.equal(dev.geo, false);
  assert.equal(prod.sku, "GP_Standard_D4ds_v5");
  assert.deepEqual(checkProductionGrade(prod), []);

  // env defaults satisfy the module's own validations
  const storageSizes = [
    ...String(stringsIn(MODULE_VARS.storage_mb.validation ?? [])).matchAll(/\d{5,}/g),
  ].map(Number);
  const skuPattern = /regex\("((?:[^"\\]|\\.)*)"/.exec(
    stringsIn(MODULE_VARS.sku_name.validation ?? []).join(""),
  )!;
  for (const [env, s] of [["dev", dev], ["staging", staging], ["prod", prod]] as const) {
    assert.ok(
      storageSizes.includes(s.storage as number),
      `${env}: storage_mb ${s.storage} is not an Azure size`,
    );
    assert.match(
      String(s.sku),
      new RegExp(skuPattern[1].replaceAll("\\\\", "\\")),
      `${env}: sku_name`,
    );
    assert.ok((s.retention as number) >= 7 && (s.retention as number) <= 35, `${env}: retention`);
  }

  // the comparison is able to fail
  const big: Sizing = {
    sku: "MO_Standard_E4ds_v5",
    storage: 131072,
    retention: 7,
    ha: false,
    geo: false,
  };
  assert.equal(checkSmallerThan(big, dev, "reversed").length, 2);
  assert.deepEqual(checkProductionGrade(dev), [
    "prod: high_availability_enabled is not true",
    "prod: geo_redundant_backup_enabled is not true",
    "prod: backup_retention_days is 7, want 35",
    "prod: B_Standard_B1ms is Burstable",
  ]);
  assert.throws(() => skuTierRank("Standard_B1ms"));
});

Deno.test("every env has a terraform.tfvars.example without secrets", () => {
  for (const env of ENVS) {
    const path = `${TF_DIR}/envs/${env}/terraform.tfvars.example`;
    assert.ok(path in PARSED, `${env}: terraform.tfvars.example`);
    const vars = labelled(ENV_DOCS[env], "variable");
    for (const name of Object.keys(PARSED[path])) {
      assert.ok(name in vars, `${env}: tfvars sets unknown ${name}`);
    }
    for (const name of requiredVariables(vars)) {
      assert.ok(name in PARSED[path], `${env}: tfvars misses ${name}`);
    }
    assert.ok(
      !("administrator_password" in PARSED[path]),
      `${env}: tfvars must not set administrator_password`,
    );
  }
});

Deno.test("no literal password or connection string anywhere under infra/", () => {
  const problems: string[] = [];
  for (const path of ALL_FILES) problems.push(...scanTextForSecrets(rel(path), TEXT[path]));
  for (const path of HCL_FILES) problems.push(...scanParsedForSecrets(rel(path), PARSED[path]));
  assert.deepEqual(problems, []);

  // the scanners do flag secrets (samples are assembled so this file stays clean)
  const q = '"';
  const pw = ["Hunter", "2", "Hunter", "2!"].join("");
  const bad = [
    `administrator_password = ${q}${pw}${q}`,
    `url = ${q}postgres://pulse:${pw}@db.example.com:5432/pulse_analytics${q}`,
    `PULSE_ANALYTICS_DATABASE_URL=postgresql://pulse:${pw}@localhost/pulse_analytics`,
    `PULSE_ANALYTICS_DB_PASSWORD=${pw}`,
  ];
  bad.forEach((line, i) =>
    assert.equal(scanTextForSecrets(`bad${i}`, line).length > 0, true, line)
  );
  const good = [
    "administrator_password = var.administrator_password",
    "url = " + q + "postgres://$" + "{urlencode(var.login)}:$" + "{urlencode(local.pw)}@host/db" +
    q,
    "postgres://<user>:<password>@<host>:5432/pulse_analytics?sslmode=require",
    'PULSE_ANALYTICS_DB_PASSWORD="$(terraform output -raw pulse_analytics_db_password)"',
  ];
  good.forEach((line, i) => assert.deepEqual(scanTextForSecrets(`good${i}`, line), [], line));
  assert.equal(
    scanParsedForSecrets("bad", { module: { m: [{ administrator_password: pw }] } }).length,
    1,
  );
  assert.equal(scanParsedForSecrets("ok", { administrator_password: "$" + "{var.p}" }).length, 0);
});

Deno.test("HCL files are in terraform fmt canonical style", () => {
  const problems = HCL_FILES.flatMap((path) => checkFormat(rel(path), TEXT[path]));
  assert.deepEqual(problems, []);
});

Deno.test("the fmt checker flags badly formatted HCL", () => {
  const good = [
    'resource "x" "y" {',
    "  name     = var.name",
    '  location = "westeurope"',
    "  tags = merge(var.tags, {",
    '    a = "b"',
    "  })",
    '  label = "${var.a == "b" ? "{" : "}"}"',
    "",
    '  dynamic "z" {',
    "    for_each = var.on ? [1] : []",
    "    content {",
    '      mode = "x" # comment with = and {',
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
  assert.deepEqual(checkFormat("good.tf", good), []);

  const cases: Record<string, string> = {
    "misaligned": "a {\n  name = 1\n  location = 2\n}\n",
    "over-aligned": "a {\n  name  = 1\n  zone  = 2\n}\n",
    "odd indent": "a {\n   name = 1\n}\n",
    "wrong nesting": "a {\n  b {\n  c = 1\n  }\n}\n",
    "tab": "a {\n\tname = 1\n}\n",
    "trailing space": "a {\n  name = 1 \n}\n",
    "two spaces after =": "a {\n  name =  1\n}\n",
    "missing final newline": "a {\n  name = 1\n}",
  };
  for (const [label, sample] of Object.entries(cases)) {
    assert.ok(checkFormat(label, sample).length > 0, `checker missed: ${label}`);
  }
});
