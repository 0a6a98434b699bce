// Static checks of the Terraform under infra/ (there is no terraform binary in CI): every
// .tf / .tfvars.example file is parsed with hcl2json and checked for what production needs
// (delete guards, secrets out of state, least privilege, TLS verification, provider range,
// monitoring, thin env roots, a Citus option), plus env wiring, sizing, secrets in files and
// canonical `terraform fmt` style. Every checker is a pure function returning a list of
// problems, and each one is also run against a deliberately broken sample to prove it can fail.
// Arguments against the provider schema: provider_schema_test.ts.

import { parse } from "@cdktf/hcl2json";
import assert from "node:assert/strict";
import {
  ALL_FILES,
  CITUS_ENV_DIR,
  CITUS_MODULE_DIR,
  CITUS_MODULE_SOURCE,
  type EnvName,
  ENVS,
  firstBody,
  HCL_FILES,
  INFRA_DIR,
  isObject,
  type Json,
  type JsonObject,
  labelled,
  locals,
  MODULE_DIR,
  MODULE_SOURCE,
  moduleDoc,
  PARSED,
  rel,
  resources,
  stringsIn,
  terraformDirs,
  TEXT,
  TF_DIR,
} from "../tests/infra.ts";

const REPO_DIR = INFRA_DIR.slice(0, INFRA_DIR.lastIndexOf("/"));
/** README with line breaks folded, so phrases match across wrapped lines. */
const README = TEXT[`${INFRA_DIR}/README.md`].replace(/\s+/g, " ");

/** Outputs the app reads; the Citus module must offer the same. */
const APP_OUTPUTS = [
  "pulse_analytics_db_host",
  "pulse_analytics_db_port",
  "pulse_analytics_db_name",
  "pulse_analytics_db_user",
  "pulse_analytics_db_endpoint",
  "pulse_analytics_db_sslmode",
  "database_url_key_vault_secret_id",
];
const MODULE_META_ARGS = new Set([
  "source",
  "version",
  "providers",
  "depends_on",
  "count",
  "for_each",
]);
/** Module inputs an env root may pass from a variable: site ids and secrets. */
const SECRET_VARS = ["administrator_password", "app_password"];
/** Sizing inputs every env root writes as literals. */
const SIZING_INPUTS = [
  "sku_name",
  "storage_mb",
  "storage_auto_grow_enabled",
  "postgres_version",
  "backup_retention_days",
  "geo_redundant_backup_enabled",
  "high_availability_enabled",
  "maintenance_window",
  "delete_lock_enabled",
  "network_mode",
  "administrator_password_version",
  "app_login",
  "app_password_version",
];
/** Versions of postgres_version the flexible server accepts in azurerm 4.46 and later. */
const AZURERM_446_POSTGRES_VERSIONS = ["11", "12", "13", "14", "15", "16", "17"];

const MODULE = moduleDoc(MODULE_DIR);
const MODULE_VARS = labelled(MODULE, "variable");
const MODULE_OUTPUTS = labelled(MODULE, "output");
const CITUS = moduleDoc(CITUS_MODULE_DIR);
const ENV_DOCS = Object.fromEntries(
  ENVS.map((env) => [env, moduleDoc(`${TF_DIR}/envs/${env}`)]),
) as Record<EnvName, JsonObject>;
const CITUS_ENV = moduleDoc(CITUS_ENV_DIR);

const isExpression = (value: Json | undefined) => typeof value === "string" && value.includes("${");

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

/** A password input: sensitive, ephemeral (never in state or plan), no default. */
function checkSecretVariable(vars: Record<string, JsonObject>, name: string): string[] {
  const body = vars[name];
  if (!body) return [`variable "${name}" is missing`];
  const problems: string[] = [];
  if (body.sensitive !== true) problems.push(`${name} is not sensitive`);
  if (body.ephemeral !== true) problems.push(`${name} is not ephemeral`);
  if ("default" in body) problems.push(`${name} has a default`);
  if (body.type !== "${string}") problems.push(`${name} is not a string`);
  return problems;
}

/** Lifecycle of a resource: prevent_destroy must be the literal true. */
function checkPreventDestroy(body: JsonObject | undefined, what: string): string[] {
  if (!body) return [`${what} is missing`];
  const lifecycle = Array.isArray(body.lifecycle) ? body.lifecycle[0] : undefined;
  if (!isObject(lifecycle)) return [`${what} has no lifecycle block`];
  if (lifecycle.prevent_destroy !== true) {
    return [`${what}: prevent_destroy is ${JSON.stringify(lifecycle.prevent_destroy)}, want true`];
  }
  return [];
}

/** Outputs must not carry a secret: no sensitive output, none built from a password input. */
function checkOutputsCarryNoSecret(outputs: Record<string, JsonObject>): string[] {
  const problems: string[] = [];
  for (const [name, body] of Object.entries(outputs)) {
    if (typeof body.description !== "string") problems.push(`output "${name}" has no description`);
    if (body.sensitive === true) problems.push(`output "${name}" is sensitive`);
    const value = stringsIn(body.value ?? null).join(" ");
    if (/var\.\w*password\b|app_database_url|\.(?:value|result)\b/.test(value)) {
      problems.push(`output "${name}" exposes a secret: ${value}`);
    }
  }
  return problems;
}

function checkAppOutputs(outputs: Record<string, JsonObject>): string[] {
  return APP_OUTPUTS.filter((name) => !outputs[name]).map((name) => `output "${name}" is missing`);
}

const requiredVariables = (vars: Record<string, JsonObject>) =>
  Object.keys(vars).filter((name) => !("default" in vars[name]));

function checkModuleCall(
  envDoc: JsonObject,
  moduleVars: Record<string, JsonObject>,
  label = "pulse_analytics_postgres",
  source = MODULE_SOURCE,
): string[] {
  const call = labelled(envDoc, "module")[label];
  if (!call) return [`module "${label}" is not instantiated`];
  const problems: string[] = [];
  if (call.source !== source) problems.push(`module source is ${call.source}, want ${source}`);
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

/**
 * A thin env root: sizing written as literals in the module call, every expression there only
 * a site id (var.site.*) or a secret (var.<password>), variables only `site` and secrets.
 */
function checkThinRoot(envDoc: JsonObject, label: string, sizing: string[]): string[] {
  const problems: string[] = [];
  const call = labelled(envDoc, "module")[label];
  if (!call) return [`module "${label}" is not instantiated`];
  for (const input of sizing) {
    if (!(input in call)) problems.push(`sizing input "${input}" is not set`);
    else if (stringsIn(call[input]).some((s) => s.includes("${"))) {
      problems.push(`sizing input "${input}" is not a literal`);
    }
  }
  for (const [input, value] of Object.entries(call)) {
    for (const expr of stringsIn(value).filter((s) => s.includes("${"))) {
      const ok = /^\$\{var\.site\.[a-z0-9_]+\}$/.test(expr) ||
        SECRET_VARS.some((name) => expr === `\${var.${name}}`);
      if (!ok) {
        problems.push(`module argument "${input}" = ${expr} is neither a site id nor a secret`);
      }
    }
  }
  for (const name of Object.keys(labelled(envDoc, "variable"))) {
    if (name !== "site" && !SECRET_VARS.includes(name)) {
      problems.push(`variable "${name}" is neither site nor a secret: write sizing as a literal`);
    }
  }
  return problems;
}

/** The literal an env passes for a module input. */
function literalInput(envDoc: JsonObject, input: string): Json | undefined {
  const call = labelled(envDoc, "module").pulse_analytics_postgres;
  return call?.[input];
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
  lock: Json | undefined;
}

function sizing(envDoc: JsonObject): Sizing {
  return {
    sku: literalInput(envDoc, "sku_name"),
    storage: literalInput(envDoc, "storage_mb"),
    retention: literalInput(envDoc, "backup_retention_days"),
    ha: literalInput(envDoc, "high_availability_enabled"),
    geo: literalInput(envDoc, "geo_redundant_backup_enabled"),
    lock: literalInput(envDoc, "delete_lock_enabled"),
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
  if (prod.lock !== true) problems.push("prod: delete_lock_enabled is not true");
  if (skuTierRank(prod.sku) < 1) problems.push(`prod: ${prod.sku} is Burstable`);
  return problems;
}

/** Lines of every .tf file in a root. */
function rootLines(dir: string): number {
  return HCL_FILES.filter((p) => p.endsWith(".tf") && p.slice(0, p.lastIndexOf("/")) === dir)
    .reduce((n, p) => n + TEXT[p].trimEnd().split("\n").length, 0);
}

async function gitIgnored(path: string): Promise<boolean> {
  const { code } = await new Deno.Command("git", {
    args: ["check-ignore", "-q", "--no-index", path],
    cwd: REPO_DIR,
  }).output();
  return code === 0;
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
    HCL_FILES.length >= 25,
    `expected two modules and four roots, found ${HCL_FILES.length}`,
  );
  for (const path of HCL_FILES) assert.ok(isObject(PARSED[path]), rel(path));
  for (const file of ["main.tf", "variables.tf", "outputs.tf", "terraform.tf"]) {
    assert.ok(`${MODULE_DIR}/${file}` in TEXT, `module is missing ${file}`);
    assert.ok(`${CITUS_MODULE_DIR}/${file}` in TEXT, `citus module is missing ${file}`);
  }
});

Deno.test("parser rejects invalid HCL", async () => {
  await assert.rejects(() => parse("broken.tf", 'variable "x" {\n  type = \n}\n'));
});

Deno.test("variables everywhere are typed and described", () => {
  for (const dir of terraformDirs()) {
    assert.deepEqual(checkVariablesDocumented(labelled(moduleDoc(dir), "variable")), [], rel(dir));
  }
  assert.deepEqual(checkVariablesDocumented({ x: { default: 1 } }), [
    'variable "x" has no type',
    'variable "x" has no description',
  ]);
});

// 1. Delete guards -----------------------------------------------------------

Deno.test("delete guard: prevent_destroy is a literal true on server, database and cluster", () => {
  const server = resources(MODULE, "azurerm_postgresql_flexible_server").this;
  const database = resources(MODULE, "azurerm_postgresql_flexible_server_database").this;
  const cluster = resources(CITUS, "azurerm_cosmosdb_postgresql_cluster").this;
  assert.deepEqual(checkPreventDestroy(server, "server"), []);
  assert.deepEqual(checkPreventDestroy(database, "database"), []);
  assert.deepEqual(checkPreventDestroy(cluster, "cluster"), []);
  // the comment beside it says how it is lifted, and the README section exists
  assert.match(TEXT[`${MODULE_DIR}/main.tf`], /prevent_destroy = true/);
  assert.match(README, /## Lifting the delete guard/);
  assert.match(README, /prevent_destroy = false/);
  // a variable, a missing lifecycle or false are refused
  assert.deepEqual(checkPreventDestroy({ lifecycle: [{ prevent_destroy: "${var.x}" }] }, "s"), [
    's: prevent_destroy is "${var.x}", want true',
  ]);
  assert.deepEqual(checkPreventDestroy({}, "s"), ["s has no lifecycle block"]);
  assert.deepEqual(checkPreventDestroy({ lifecycle: [{ prevent_destroy: false }] }, "s"), [
    "s: prevent_destroy is false, want true",
  ]);
});

Deno.test("delete guard: optional CanNotDelete lock, on by default and on in staging and prod", () => {
  for (const doc of [MODULE, CITUS]) {
    const lock = resources(doc, "azurerm_management_lock").this;
    assert.equal(lock?.lock_level, "CanNotDelete");
    assert.equal(lock?.count, "${var.delete_lock_enabled ? 1 : 0}");
    assert.match(String(lock?.scope), /\.this\.id\}$/);
    assert.equal(labelled(doc, "variable").delete_lock_enabled?.default, true);
  }
  assert.equal(literalInput(ENV_DOCS.prod, "delete_lock_enabled"), true);
  assert.equal(literalInput(ENV_DOCS.staging, "delete_lock_enabled"), true);
  const citusCall = labelled(CITUS_ENV, "module").pulse_analytics_citus;
  assert.equal(citusCall.delete_lock_enabled, true);
});

// 2. Secrets out of state ------------------------------------------------------

Deno.test("admin password is write-only and ephemeral; no password in state, plan or outputs", () => {
  const server = resources(MODULE, "azurerm_postgresql_flexible_server").this;
  assert.equal(server.administrator_password_wo, "${var.administrator_password}");
  assert.equal(server.administrator_password_wo_version, "${var.administrator_password_version}");
  assert.ok(!("administrator_password" in server), "administrator_password would land in state");
  for (const name of ["administrator_password", "app_password"]) {
    assert.deepEqual(checkSecretVariable(MODULE_VARS, name), [], name);
    for (const env of ENVS) {
      assert.deepEqual(checkSecretVariable(labelled(ENV_DOCS[env], "variable"), name), [], env);
    }
  }
  assert.deepEqual(checkSecretVariable(labelled(CITUS, "variable"), "app_password"), []);
  // no generated password (its result would sit in state)
  for (const dir of terraformDirs()) {
    assert.deepEqual(Object.keys(resources(moduleDoc(dir), "random_password")), [], rel(dir));
  }
  // Key Vault secrets are written with value_wo, versioned by the password version
  for (const doc of [MODULE, CITUS]) {
    for (const [name, secret] of Object.entries(resources(doc, "azurerm_key_vault_secret"))) {
      assert.ok(!("value" in secret), `${name}: value would land in state`);
      assert.ok(isExpression(secret.value_wo), `${name}: value_wo`);
      assert.match(String(secret.value_wo_version), /_password_version\}$/, name);
    }
  }
  // outputs: nothing secret, in the modules and the roots
  for (const dir of terraformDirs()) {
    assert.deepEqual(checkOutputsCarryNoSecret(labelled(moduleDoc(dir), "output")), [], rel(dir));
  }
  assert.deepEqual(
    checkOutputsCarryNoSecret({
      url: { description: "d", value: "${local.app_database_url}", sensitive: true },
    }),
    ['output "url" is sensitive', 'output "url" exposes a secret: ${local.app_database_url}'],
  );
  assert.deepEqual(checkSecretVariable({ p: { type: "${string}", sensitive: true } }, "p"), [
    "p is not ephemeral",
  ]);
});

Deno.test("plan files and state are git-ignored; committed examples are not", async () => {
  for (const env of [...ENVS, "prod_citus"]) {
    for (
      const file of [
        "tfplan",
        `${env}.tfplan`,
        "tfplan.json",
        "terraform.tfstate",
        "terraform.tfstate.backup",
        "terraform.tfvars",
        ".terraform/providers/x",
      ]
    ) {
      const path = `infra/terraform/envs/${env}/${file}`;
      assert.ok(await gitIgnored(path), `${path} is not git-ignored`);
    }
    assert.ok(!await gitIgnored(`infra/terraform/envs/${env}/terraform.tfvars.example`));
    assert.ok(!await gitIgnored(`infra/terraform/envs/${env}/main.tf`));
  }
  // and the same at the repository root, wherever a plan is written from
  assert.ok(await gitIgnored("tfplan") && await gitIgnored("prod.tfplan"));
  // README's plan commands write files with those names
  for (const [, out] of README.matchAll(/-out=([\w.-]+)/g)) {
    assert.ok(await gitIgnored(`infra/terraform/envs/prod/${out}`), `-out=${out} is not ignored`);
  }
});

Deno.test("state backend: azurerm with Entra ID auth and one key per root", () => {
  const keys = new Set<Json>();
  for (const doc of [...ENVS.map((e) => ENV_DOCS[e]), CITUS_ENV]) {
    const terraform = firstBody(doc.terraform, "terraform");
    const backend = firstBody(asBackend(terraform.backend), "backend azurerm");
    assert.equal(backend.use_azuread_auth, true);
    assert.ok(!("access_key" in backend) && !("sas_token" in backend));
    keys.add(backend.key);
  }
  assert.equal(keys.size, ENVS.length + 1, "each root has its own state key");
});

function asBackend(value: Json | undefined): Json {
  if (!isObject(value) || !("azurerm" in value)) throw new Error("backend azurerm missing");
  return value.azurerm;
}

// 3. Least privilege, Entra ID, TLS verification -------------------------------

Deno.test("the app connects as its own login with sslmode=verify-full, never as the admin", () => {
  for (const doc of [MODULE, CITUS]) {
    const url = String(locals(doc).app_database_url);
    assert.match(
      url,
      /^postgres:\/\/\$\{urlencode\(var\.app_login\)\}:\$\{urlencode\(var\.app_password\)\}@/,
    );
    assert.match(url, /\?sslmode=verify-full$/);
    assert.ok(!/administrator/.test(url), "URL built from the administrator");
    const outputs = labelled(doc, "output");
    assert.equal(outputs.pulse_analytics_db_user?.value, "${var.app_login}");
    assert.equal(outputs.pulse_analytics_db_sslmode?.value, "verify-full");
    const secret = resources(doc, "azurerm_key_vault_secret").database_url;
    assert.equal(secret.value_wo, "${local.app_database_url}");
    assert.equal(secret.value_wo_version, "${var.app_password_version}");
  }
  // the login is created by the documented bootstrap SQL (tested in sql/bootstrap_app_login_test.ts)
  const bootstrap = TEXT[`${INFRA_DIR}/sql/bootstrap_app_login.sql`];
  assert.match(bootstrap, /create role %I nologin/);
  assert.match(bootstrap, /alter role :"app_login" set role = :'app_owner_role'/);
  assert.match(bootstrap, /create schema if not exists analytics authorization/);
  assert.match(README, /infra\/sql\/bootstrap_app_login\.sql/);
  // no app-facing output or secret uses the administrator login
  assert.ok(!/administrator_login/.test(stringsIn(MODULE_OUTPUTS.pulse_analytics_db_user).join()));
});

Deno.test("Entra ID authentication is optional and wired to an administrator", () => {
  const server = resources(MODULE, "azurerm_postgresql_flexible_server").this;
  const auth = firstBody(server.authentication, "authentication");
  assert.equal(auth.password_auth_enabled, true);
  assert.equal(auth.active_directory_auth_enabled, "${local.entra_enabled}");
  assert.match(String(auth.tenant_id), /local\.entra_enabled \?/);
  assert.equal(locals(MODULE).entra_enabled, "${var.entra_administrator != null}");
  assert.equal(MODULE_VARS.entra_administrator?.default, null);
  const admin =
    resources(MODULE, "azurerm_postgresql_flexible_server_active_directory_administrator")
      .this;
  assert.equal(admin?.count, "${local.entra_enabled ? 1 : 0}");
  assert.equal(admin?.object_id, "${var.entra_administrator.object_id}");
  for (const env of ENVS) {
    assert.equal(
      literalInput(ENV_DOCS[env], "entra_administrator"),
      "${var.site.entra_administrator}",
    );
  }
});

Deno.test("docs say how the app trusts the Azure CA with verify-full", () => {
  assert.match(README, /verify-full/);
  assert.match(README, /DigiCert Global Root G2/);
  assert.match(README, /Microsoft RSA Root Certificate Authority 2017/);
  assert.match(README, /DENO_CERT/);
  assert.match(README, /DENO_TLS_CA_STORE/);
});

// 4. Provider range --------------------------------------------------------------

Deno.test("provider constraint ~> 4.46 everywhere, consistent with the accepted versions", () => {
  for (const dir of terraformDirs()) {
    const terraform = firstBody(moduleDoc(dir).terraform, `${rel(dir)} terraform`);
    assert.match(String(terraform.required_version), /^>= 1\.1[1-9]\.\d+, < 2\.0\.0$/, rel(dir));
    const providers = firstBody(terraform.required_providers, "required_providers");
    assert.deepEqual(
      providers.azurerm,
      { source: "hashicorp/azurerm", version: "~> 4.46" },
      rel(dir),
    );
    assert.ok(!("random" in providers), `${rel(dir)}: random is no longer used`);
  }
  const accepted = [
    ...stringsIn(MODULE_VARS.postgres_version.validation ?? []).join("").matchAll(/\\?"(\d+)\\?"/g),
  ].map((m) => m[1]);
  assert.ok(accepted.includes("17"), `accepted: ${accepted}`);
  for (const v of accepted) assert.ok(AZURERM_446_POSTGRES_VERSIONS.includes(v), v);
  for (const env of ENVS) {
    assert.ok(accepted.includes(String(literalInput(ENV_DOCS[env], "postgres_version"))), env);
  }
});

// 5. Monitoring and storage ----------------------------------------------------------

Deno.test("diagnostic settings to an optional Log Analytics workspace", () => {
  const diag = resources(MODULE, "azurerm_monitor_diagnostic_setting").this;
  assert.equal(diag?.count, "${var.log_analytics_workspace_id == null ? 0 : 1}");
  assert.equal(diag?.target_resource_id, "${azurerm_postgresql_flexible_server.this.id}");
  assert.equal(diag?.log_analytics_workspace_id, "${var.log_analytics_workspace_id}");
  assert.equal(firstBody(diag?.enabled_log, "enabled_log").category_group, "allLogs");
  assert.equal(firstBody(diag?.enabled_metric, "enabled_metric").category, "AllMetrics");
  assert.equal(MODULE_VARS.log_analytics_workspace_id?.default, null);
});

Deno.test("metric alerts for storage, CPU, memory and failed connections notify the action group", () => {
  const alert = resources(MODULE, "azurerm_monitor_metric_alert").this;
  assert.equal(
    alert?.for_each,
    "${{ for key, alert in local.metric_alerts : key => alert if var.alerts_enabled }}",
  );
  const criteria = firstBody(alert?.criteria, "criteria");
  assert.equal(criteria.metric_name, "${each.value.metric}");
  assert.equal(locals(MODULE).metric_namespace, "Microsoft.DBforPostgreSQL/flexibleServers");
  const alerts = locals(MODULE).metric_alerts as JsonObject;
  const metrics = Object.values(alerts).map((a) => (a as JsonObject).metric).sort();
  assert.deepEqual(metrics, [
    "connections_failed",
    "cpu_percent",
    "memory_percent",
    "storage_percent",
  ]);
  const action = (alert?.dynamic as JsonObject).action as JsonObject[];
  assert.equal(action[0].for_each, "${var.action_group_id == null ? [] : [var.action_group_id]}");
  assert.equal(MODULE_VARS.action_group_id?.default, null);
  // storage alerts before auto-grow starts (about 90 % used)
  const thresholds = String(MODULE_VARS.alert_thresholds.type);
  const storage = /storage_percent\s*=\s*optional\(number,\s*(\d+)\)/.exec(thresholds);
  assert.ok(storage && Number(storage[1]) < 90, thresholds);
});

Deno.test("storage auto-grow is on in the module and in every env", () => {
  const server = resources(MODULE, "azurerm_postgresql_flexible_server").this;
  assert.equal(server.auto_grow_enabled, "${var.storage_auto_grow_enabled}");
  assert.equal(MODULE_VARS.storage_auto_grow_enabled?.default, true);
  for (const env of ENVS) {
    assert.equal(literalInput(ENV_DOCS[env], "storage_auto_grow_enabled"), true, env);
  }
});

// 6. Thin env roots --------------------------------------------------------------------

Deno.test("env roots are thin: literal sizing, variables only for site ids and secrets, <= 120 lines", () => {
  for (const env of ENVS) {
    assert.deepEqual(
      checkThinRoot(ENV_DOCS[env], "pulse_analytics_postgres", SIZING_INPUTS),
      [],
      env,
    );
    assert.deepEqual(checkModuleCall(ENV_DOCS[env], MODULE_VARS), [], env);
    const lines = rootLines(`${TF_DIR}/envs/${env}`);
    assert.ok(lines <= 120, `${env}: ${lines} lines`);
    // the same variables and outputs everywhere; main.tf differs only in literal values
    for (const file of ["variables.tf", "outputs.tf"]) {
      assert.equal(TEXT[`${TF_DIR}/envs/${env}/${file}`], TEXT[`${TF_DIR}/envs/dev/${file}`], file);
    }
    const call = labelled(ENV_DOCS[env], "module").pulse_analytics_postgres;
    const devCall = labelled(ENV_DOCS.dev, "module").pulse_analytics_postgres;
    assert.deepEqual(Object.keys(call).sort(), Object.keys(devCall).sort(), env);
    for (const [key, value] of Object.entries(call)) {
      if (isExpression(value)) assert.deepEqual(value, devCall[key], `${env}: ${key}`);
    }
  }
  assert.deepEqual(
    checkThinRoot(
      CITUS_ENV,
      "pulse_analytics_citus",
      ["coordinator_vcores", "coordinator_storage_mb", "node_count", "node_vcores"],
    ),
    [],
  );
  assert.ok(rootLines(CITUS_ENV_DIR) <= 120);
  // the checker catches sizing hidden in variables
  const fat: JsonObject = {
    variable: { sku_name: [{ type: "${string}" }] },
    module: {
      pulse_analytics_postgres: [{ sku_name: "${var.sku_name}", name: "${var.site.server_name}" }],
    },
  };
  assert.deepEqual(checkThinRoot(fat, "pulse_analytics_postgres", ["sku_name", "storage_mb"]), [
    'sizing input "sku_name" is not a literal',
    'sizing input "storage_mb" is not set',
    'module argument "sku_name" = ${var.sku_name} is neither a site id nor a secret',
    'variable "sku_name" is neither site nor a secret: write sizing as a literal',
  ]);
});

Deno.test("dev is smaller than staging and prod; prod has HA, geo backups, 35 days and the lock", () => {
  const [dev, staging, prod] = ENVS.map((env) => sizing(ENV_DOCS[env]));
  assert.deepEqual(checkSmallerThan(dev, staging, "dev<=staging"), []);
  assert.deepEqual(checkSmallerThan(staging, prod, "staging<=prod"), []);
  assert.equal(dev.sku, "B_Standard_B1ms");
  assert.equal(dev.ha, false);
  assert.deepEqual(checkProductionGrade(prod), []);

  // env literals satisfy the module's own validations
  const storageSizes = [
    ...String(stringsIn(MODULE_VARS.storage_mb.validation ?? [])).matchAll(/\d{5,}/g),
  ].map(Number);
  const skuPattern = /regex\("((?:[^"\\]|\\.)*)"/.exec(
    stringsIn(MODULE_VARS.sku_name.validation ?? []).join(""),
  )!;
  for (const [env, s] of [["dev", dev], ["staging", staging], ["prod", prod]] as const) {
    assert.ok(storageSizes.includes(s.storage as number), `${env}: storage_mb ${s.storage}`);
    assert.match(String(s.sku), new RegExp(skuPattern[1].replaceAll("\\\\", "\\")), env);
    assert.ok((s.retention as number) >= 7 && (s.retention as number) <= 35, `${env}: retention`);
  }

  const big: Sizing = { ...dev, sku: "MO_Standard_E4ds_v5", storage: 131072 };
  assert.equal(checkSmallerThan(big, dev, "reversed").length, 2);
  assert.deepEqual(checkProductionGrade(dev), [
    "prod: high_availability_enabled is not true",
    "prod: geo_redundant_backup_enabled is not true",
    "prod: backup_retention_days is 7, want 35",
    "prod: delete_lock_enabled is not true",
    "prod: B_Standard_B1ms is Burstable",
  ]);
});

Deno.test("every root has a terraform.tfvars.example without secrets that fills its variables", () => {
  for (const dir of [...ENVS.map((e) => `${TF_DIR}/envs/${e}`), CITUS_ENV_DIR]) {
    const path = `${dir}/terraform.tfvars.example`;
    assert.ok(path in PARSED, `${rel(dir)}: terraform.tfvars.example`);
    const vars = labelled(moduleDoc(dir), "variable");
    for (const name of Object.keys(PARSED[path])) {
      assert.ok(name in vars, `${rel(dir)}: tfvars sets unknown ${name}`);
      assert.ok(!SECRET_VARS.includes(name), `${rel(dir)}: tfvars sets ${name}`);
    }
    assert.ok("site" in PARSED[path], `${rel(dir)}: tfvars misses site`);
    // site keys exist in the site object type
    const siteType = String(vars.site.type);
    for (const key of Object.keys(PARSED[path].site as JsonObject)) {
      assert.match(siteType, new RegExp(`\\b${key}\\s*=`), `${rel(dir)}: site.${key}`);
    }
  }
});

Deno.test("references resolve: var.*, local.* and module outputs are declared", () => {
  const outputsOf: Record<string, Record<string, JsonObject>> = {
    pulse_analytics_postgres: MODULE_OUTPUTS,
    pulse_analytics_citus: labelled(CITUS, "output"),
  };
  for (const dir of terraformDirs()) {
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
    for (const [, mod, name] of expressions.matchAll(/\bmodule\.([a-z0-9_]+)\.([a-z0-9_]+)/g)) {
      assert.ok(name in (outputsOf[mod] ?? {}), `${rel(dir)}: module output ${mod}.${name}`);
    }
    for (
      const [, type, name] of expressions.matchAll(
        /\b((?:azurerm|random)_[a-z_]+)\.([a-z0-9_]+)\b/g,
      )
    ) {
      const declared = resources(doc, type)[name] ??
        (expressions.includes(`data.${type}.${name}`)
          ? resources(doc, type, "data")[name]
          : undefined);
      assert.ok(declared, `${rel(dir)}: ${type}.${name} is not declared`);
    }
  }
});

// 7. Citus option ------------------------------------------------------------------------

Deno.test("Citus module: a cluster sized for scale-out with the outputs the app reads", () => {
  const cluster = resources(CITUS, "azurerm_cosmosdb_postgresql_cluster").this;
  assert.ok(cluster, "azurerm_cosmosdb_postgresql_cluster.this");
  assert.equal(cluster.node_count, "${var.node_count}");
  const citusOutputs = labelled(CITUS, "output");
  assert.deepEqual(checkAppOutputs(citusOutputs), []);
  assert.deepEqual(checkAppOutputs(MODULE_OUTPUTS), []);
  for (const name of APP_OUTPUTS) {
    assert.ok(citusOutputs[name].description, name);
  }
  const call = labelled(CITUS_ENV, "module").pulse_analytics_citus;
  assert.deepEqual(
    checkModuleCall(
      CITUS_ENV,
      labelled(CITUS, "variable"),
      "pulse_analytics_citus",
      CITUS_MODULE_SOURCE,
    ),
    [],
  );
  assert.ok((call.node_count as number) >= 2, "scale-out needs worker nodes");
  assert.ok((call.coordinator_vcores as number) >= 4);
  assert.equal(call.high_availability_enabled, true);
  // the admin password cannot be write-only there: the docs say so, and it is ignored after creation
  const lifecycle = firstBody(cluster.lifecycle, "lifecycle");
  assert.deepEqual(lifecycle.ignore_changes, ["${administrator_login_password}"]);
  assert.match(README, /## Moving to Citus/);
  assert.match(README, /docs\/citus\.md/);
  assert.deepEqual(checkAppOutputs({}).length, APP_OUTPUTS.length);
});

// 8. The comment about extensions tells the truth --------------------------------------

Deno.test("no extension is allow-listed for the migrations, because they create none", async () => {
  const migrationsDir = `${REPO_DIR}/migrations`;
  for await (const entry of Deno.readDir(migrationsDir)) {
    if (!entry.name.endsWith(".sql")) continue;
    const sql = await Deno.readTextFile(`${migrationsDir}/${entry.name}`);
    assert.ok(!/create\s+extension/i.test(sql), `${entry.name} creates an extension`);
  }
  const main = TEXT[`${MODULE_DIR}/main.tf`];
  assert.ok(!/PGCRYPTO/i.test(main), "pgcrypto is not needed");
  assert.match(main, /The migrations create no extension/);
  assert.equal(
    locals(MODULE).allowed_extensions,
    "${distinct([for e in var.additional_extensions : upper(e)])}",
  );
  assert.match(String(locals(MODULE).server_parameters), /"require_secure_transport" = "on"/);
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

/** Conditionals between `{}` and an object literal fail in Terraform (inconsistent types). */
function checkObjectConditionals(name: string, doc: Json): string[] {
  return stringsIn(doc)
    .filter((s) => s.includes("${") && /\?\s*\{\s*\}\s*:|:\s*\{\s*\}\s*(?:\}|,|\))/.test(s))
    .map((s) => `${name}: conditional with {} (use a for-expression filter): ${s}`);
}

Deno.test("no conditional between {} and an object, which Terraform rejects", () => {
  for (const dir of terraformDirs()) {
    assert.deepEqual(checkObjectConditionals(rel(dir), moduleDoc(dir)), []);
  }
  assert.equal(checkObjectConditionals("m", { a: "${var.on ? local.map : {}}" }).length, 1);
  assert.equal(checkObjectConditionals("m", { a: '${var.on ? {} : { "x" = 1 }}' }).length, 1);
  assert.equal(
    checkObjectConditionals("m", { a: "${{ for k, v in m : k => v if on }}" }).length,
    0,
  );
});

/** Ephemeral values may only reach write-only arguments (`*_wo`); Terraform rejects the rest. */
function checkEphemeralFlow(doc: JsonObject, ephemeral: string[]): string[] {
  const problems: string[] = [];
  const uses = (s: string) =>
    ephemeral.some((ref) => new RegExp(`\\b${ref.replace(".", "\\.")}\\b`).test(s));
  const visit = (value: Json, path: string, key: string) => {
    if (typeof value === "string") {
      if (uses(value) && !key.endsWith("_wo")) problems.push(`${path} uses an ephemeral value`);
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`, key));
    else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`, k);
    }
  };
  for (const kind of ["resource", "data", "output", "module"]) {
    if (doc[kind] !== undefined) visit(doc[kind], kind, kind);
  }
  return problems;
}

Deno.test("ephemeral passwords flow only into write-only arguments", () => {
  const refs = ["var.administrator_password", "var.app_password", "local.app_database_url"];
  assert.deepEqual(checkEphemeralFlow(MODULE, refs), []);
  assert.deepEqual(checkEphemeralFlow(CITUS, ["var.app_password", "local.app_database_url"]), []);
  // roots hand ephemeral variables only to ephemeral module variables (and the reverse)
  const roots: [JsonObject, string, Record<string, JsonObject>][] = [
    ...ENVS.map((e) =>
      [ENV_DOCS[e], "pulse_analytics_postgres", MODULE_VARS] as [
        JsonObject,
        string,
        Record<string, JsonObject>,
      ]
    ),
    [CITUS_ENV, "pulse_analytics_citus", labelled(CITUS, "variable")],
  ];
  for (const [doc, label, moduleVars] of roots) {
    const call = labelled(doc, "module")[label];
    for (const [name, body] of Object.entries(labelled(doc, "variable"))) {
      if (name === "site") continue;
      assert.equal(call[name], `\${var.${name}}`, `${label}: ${name}`);
      assert.equal(
        body.ephemeral === true,
        moduleVars[name]?.ephemeral === true,
        `${label}: ${name}`,
      );
    }
  }
  // locals built from them are only used by write-only arguments (checked above)
  assert.match(String(locals(MODULE).app_database_url), /var\.app_password/);
  const leaky: JsonObject = {
    resource: { azurerm_key_vault_secret: { x: [{ value: "${local.app_database_url}" }] } },
    output: { pw: [{ value: "${var.administrator_password}" }] },
  };
  assert.deepEqual(checkEphemeralFlow(leaky, refs), [
    "resource.azurerm_key_vault_secret.x[0].value uses an ephemeral value",
    "output.pw[0].value uses an ephemeral value",
  ]);
});
