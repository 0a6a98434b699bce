// Every argument and block of every azurerm / random resource and data source under
// infra/terraform, checked against the provider schemas shipped in @cdktf/provider-azurerm and
// @cdktf/provider-random (names, required arguments, blocks vs attributes).

import assert from "node:assert/strict";
import { checkBody, checkDocument, loadProviderSchema } from "./provider_schema.ts";
import {
  type JsonObject,
  MODULE_DIR,
  moduleDoc,
  rel,
  resources,
  terraformDirs,
} from "../tests/infra.ts";

const AZURERM = await loadProviderSchema("@cdktf/provider-azurerm");
const RANDOM = await loadProviderSchema("@cdktf/provider-random");
const SCHEMAS = [AZURERM, RANDOM];
const PREFIXES = ["azurerm_", "random_"];

/** Parses "4.55.0" into numbers. */
const parts = (v: string) => v.split(".").map(Number);

/** Whether a version satisfies a `~> X.Y` constraint (>= X.Y, < X+1). */
export function satisfiesPessimistic(version: string, constraint: string): boolean {
  const m = /^~>\s*(\d+)\.(\d+)$/.exec(constraint.trim());
  if (!m) throw new Error(`not a ~> X.Y constraint: ${constraint}`);
  const [major, minor] = parts(version);
  return major === Number(m[1]) && minor >= Number(m[2]);
}

Deno.test("the shipped azurerm schema is recent enough and knows the write-only arguments", () => {
  assert.equal(AZURERM.name, "registry.terraform.io/hashicorp/azurerm");
  assert.ok(satisfiesPessimistic(AZURERM.version, "~> 4.46"), AZURERM.version);
  assert.ok(!satisfiesPessimistic("4.45.1", "~> 4.46"));
  assert.ok(!satisfiesPessimistic("5.0.0", "~> 4.46"));
  assert.ok(AZURERM.resources.size > 1000, `${AZURERM.resources.size} resources`);
  const server = AZURERM.resources.get("azurerm_postgresql_flexible_server")!;
  for (const name of ["administrator_password_wo", "administrator_password_wo_version"]) {
    assert.equal(server.attributes.get(name), false, name);
  }
  assert.equal(server.attributes.get("name"), true);
  assert.ok(server.blocks.has("authentication") && !server.attributes.has("authentication"));
  const secret = AZURERM.resources.get("azurerm_key_vault_secret")!;
  assert.ok(secret.attributes.has("value_wo") && secret.attributes.has("value_wo_version"));
  assert.ok(AZURERM.resources.has("azurerm_cosmosdb_postgresql_cluster"));
  assert.ok(AZURERM.dataSources.has("azurerm_client_config"));
  assert.ok(RANDOM.resources.has("random_password"));
});

Deno.test("every azurerm / random resource under infra/terraform matches the provider schema", () => {
  let checked = 0;
  const problems: string[] = [];
  for (const dir of terraformDirs()) {
    const doc = moduleDoc(dir);
    problems.push(...checkDocument(doc, SCHEMAS, PREFIXES, rel(dir)));
    for (const kind of ["resource", "data"]) {
      for (const [type, byName] of Object.entries((doc[kind] ?? {}) as JsonObject)) {
        if (PREFIXES.some((p) => type.startsWith(p))) checked += Object.keys(byName!).length;
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 15, `only ${checked} resources checked`);
});

Deno.test("the schema check fails on a misspelled argument, a missing one and a wrong block", () => {
  const doc = moduleDoc(MODULE_DIR);
  const server = resources(doc, "azurerm_postgresql_flexible_server").this;
  const schema = AZURERM.resources.get("azurerm_postgresql_flexible_server")!;
  assert.deepEqual(checkBody(server, schema, "server"), []);

  // misspelled argument
  const { administrator_password_wo: pw, ...rest } = server;
  const misspelled = { ...rest, administrator_pasword_wo: pw };
  assert.deepEqual(checkBody(misspelled, schema, "server"), [
    'server: unknown argument "administrator_pasword_wo"',
  ]);

  // missing required argument
  const { name: _name, ...nameless } = server;
  assert.deepEqual(checkBody(nameless, schema, "server"), [
    'server: required argument "name" is missing',
  ]);

  // block written as an attribute, attribute written as a block, misspelled nested argument
  const authentication = (server.authentication as JsonObject[])[0];
  assert.deepEqual(
    checkBody(
      { ...server, authentication: authentication, tags: [{ a: "b" }] },
      schema,
      "server",
    ),
    [
      'server: "authentication" is a block; write authentication { ... }, not authentication = ...',
      'server: "tags" is an attribute; write tags = ..., not tags { ... }',
    ],
  );
  assert.deepEqual(
    checkBody(
      { ...server, authentication: [{ ...authentication, password_auth_enable: true }] },
      schema,
      "server",
    ),
    ['server.authentication: unknown argument "password_auth_enable"'],
  );

  // dynamic blocks are checked too
  const dyn = server.dynamic as JsonObject;
  assert.deepEqual(
    checkBody(
      { ...server, dynamic: { ...dyn, tags: [{ for_each: "x", content: [{}] }] } },
      schema,
      "server",
    ),
    ['server: "tags" is an attribute, not a block (no dynamic block)'],
  );

  // an unknown resource type is reported
  assert.deepEqual(
    checkDocument(
      { resource: { azurerm_postgresql_flexible_servr: { this: [{}] } } },
      SCHEMAS,
      PREFIXES,
      "m",
    ),
    ["m: resource type azurerm_postgresql_flexible_servr does not exist in the provider schema"],
  );
});
