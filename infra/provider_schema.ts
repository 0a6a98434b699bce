/**
 * Provider schemas for the static Terraform checks, read from the jsii assemblies that the
 * prebuilt CDKTF providers ship (@cdktf/provider-azurerm, @cdktf/provider-random): every
 * resource and data source with its arguments (required or optional) and nested blocks.
 * Attribute names come from the Terraform Registry anchors in the generated docs, so they are
 * the HCL names, not the camelCase ones.
 */
import { createRequire } from "node:module";
import azurermPackage from "@cdktf/provider-azurerm/package.json" with { type: "json" };
import randomPackage from "@cdktf/provider-random/package.json" with { type: "json" };
import type { Json, JsonObject } from "../tests/infra.ts";
import { isObject } from "../tests/infra.ts";

/** One resource, data source or nested block. */
export interface BlockSchema {
  /** Arguments written as `name = value`; true when required. */
  attributes: Map<string, boolean>;
  /** Nested blocks written as `name { ... }`; `required` when the block must appear. */
  blocks: Map<string, { schema: BlockSchema; required: boolean }>;
}

/** A provider's schema: its version and its resources and data sources by Terraform type. */
export interface ProviderSchema {
  name: string;
  version: string;
  resources: Map<string, BlockSchema>;
  dataSources: Map<string, BlockSchema>;
}

interface JsiiTypeRef {
  primitive?: string;
  fqn?: string;
  collection?: { kind: string; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
}
interface JsiiProperty {
  name: string;
  optional?: boolean;
  type: JsiiTypeRef;
  docs?: { summary?: string; remarks?: string };
}
interface JsiiType {
  fqn: string;
  kind: string;
  datatype?: boolean;
  properties?: JsiiProperty[];
  docs?: { summary?: string };
  initializer?: { parameters?: { name: string; type: JsiiTypeRef }[] };
}

/** The struct a property's type names, directly or as a list of it (a nested block). */
function structOf(ref: JsiiTypeRef, types: Record<string, JsiiType>): string | null {
  if (ref.fqn && types[ref.fqn]?.datatype) return ref.fqn;
  if (ref.collection) return structOf(ref.collection.elementtype, types);
  if (ref.union) {
    for (const t of ref.union.types) {
      const found = structOf(t, types);
      if (found) return found;
    }
  }
  return null;
}

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The HCL name: the Registry anchor in the docs (`...#administrator_password_wo Class#...`). */
function hclName(prop: JsiiProperty): string {
  const docs = `${prop.docs?.summary ?? ""} ${prop.docs?.remarks ?? ""}`;
  const anchor = /registry\.terraform\.io\/\S+#([a-z0-9_]+)\s/.exec(docs);
  return anchor ? anchor[1] : snake(prop.name);
}

function structSchema(
  fqn: string,
  types: Record<string, JsiiType>,
  seen: Set<string> = new Set(),
): BlockSchema {
  const schema: BlockSchema = { attributes: new Map(), blocks: new Map() };
  if (seen.has(fqn)) return schema;
  const next = new Set(seen).add(fqn);
  for (const prop of types[fqn]?.properties ?? []) {
    const name = hclName(prop);
    const struct = structOf(prop.type, types);
    // The generator documents nested blocks as "<name> block."; nested attributes of object
    // type keep the Registry link, so they stay attributes.
    const isBlock = struct !== null && /\bblock\.$/.test(prop.docs?.summary ?? "");
    if (isBlock) {
      schema.blocks.set(name, {
        schema: structSchema(struct!, types, next),
        required: !prop.optional,
      });
    } else schema.attributes.set(name, !prop.optional);
  }
  return schema;
}

/** Reads one provider's schema from the jsii assembly of its prebuilt CDKTF package. */
export async function loadProviderSchema(packageName: string): Promise<ProviderSchema> {
  const require = createRequire(import.meta.url);
  const dir = require.resolve(`${packageName}/package.json`).replace(/\/package\.json$/, "");
  const assembly = JSON.parse(await Deno.readTextFile(`${dir}/.jsii`)) as {
    types: Record<string, JsiiType>;
  };
  const pkg = packageName === "@cdktf/provider-azurerm" ? azurermPackage : randomPackage;
  const provider = (pkg as { cdktf: { provider: { name: string; version: string } } }).cdktf
    .provider;
  const result: ProviderSchema = {
    name: provider.name,
    version: provider.version,
    resources: new Map(),
    dataSources: new Map(),
  };
  for (const type of Object.values(assembly.types)) {
    if (type.kind !== "class") continue;
    const link = /docs\/(resources|data-sources)\/[a-z0-9_]+ ([a-z0-9_]+)\}/.exec(
      type.docs?.summary ?? "",
    );
    if (!link) continue;
    const config = type.initializer?.parameters?.find((p) => p.name === "config")?.type.fqn;
    if (!config) continue;
    const target = link[1] === "resources" ? result.resources : result.dataSources;
    target.set(link[2], structSchema(config, assembly.types));
  }
  return result;
}

const RESOURCE_META = new Set([
  "count",
  "for_each",
  "depends_on",
  "provider",
  "lifecycle",
  "provisioner",
  "connection",
]);

/**
 * Problems of one resource (or data source, or nested block) body against its schema:
 * unknown arguments, missing required ones, blocks written as attributes and the reverse.
 * `where` prefixes every message.
 */
export function checkBody(
  body: JsonObject,
  schema: BlockSchema,
  where: string,
  topLevel = true,
): string[] {
  const problems: string[] = [];
  const present = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    if (topLevel && RESOURCE_META.has(key)) continue;
    if (key === "dynamic") {
      if (!isObject(value)) {
        problems.push(`${where}: dynamic must be a labelled block`);
        continue;
      }
      for (const [name, bodies] of Object.entries(value)) {
        const block = schema.blocks.get(name);
        if (!block) {
          problems.push(
            schema.attributes.has(name)
              ? `${where}: "${name}" is an attribute, not a block (no dynamic block)`
              : `${where}: unknown block "${name}" in dynamic`,
          );
          continue;
        }
        present.add(name);
        for (const dyn of Array.isArray(bodies) ? bodies : []) {
          if (!isObject(dyn) || !Array.isArray(dyn.content)) {
            problems.push(`${where}.dynamic.${name}: needs for_each and a content block`);
            continue;
          }
          for (const content of dyn.content) {
            if (isObject(content)) {
              problems.push(...checkBody(content, block.schema, `${where}.${name}`, false));
            }
          }
        }
      }
      continue;
    }
    present.add(key);
    const block = schema.blocks.get(key);
    if (block) {
      const isBlockSyntax = Array.isArray(value) && value.every((v: Json) => isObject(v));
      if (!isBlockSyntax) {
        problems.push(`${where}: "${key}" is a block; write ${key} { ... }, not ${key} = ...`);
        continue;
      }
      for (const nested of value as JsonObject[]) {
        problems.push(...checkBody(nested, block.schema, `${where}.${key}`, false));
      }
      continue;
    }
    if (schema.attributes.has(key)) {
      if (Array.isArray(value) && value.length > 0 && value.every((v: Json) => isObject(v))) {
        problems.push(`${where}: "${key}" is an attribute; write ${key} = ..., not ${key} { ... }`);
      }
      continue;
    }
    problems.push(`${where}: unknown argument "${key}"`);
  }
  for (const [name, required] of schema.attributes) {
    if (required && !present.has(name)) {
      problems.push(`${where}: required argument "${name}" is missing`);
    }
  }
  for (const [name, block] of schema.blocks) {
    if (block.required && !present.has(name)) {
      problems.push(`${where}: required block "${name}" is missing`);
    }
  }
  return problems;
}

/**
 * Every resource and data source of the given providers in a merged module document,
 * checked against the schemas. Types the schemas do not know are problems too.
 */
export function checkDocument(
  doc: JsonObject,
  schemas: ProviderSchema[],
  prefixes: string[],
  where: string,
): string[] {
  const problems: string[] = [];
  for (const kind of ["resource", "data"] as const) {
    const group = doc[kind];
    if (!isObject(group)) continue;
    for (const [type, byName] of Object.entries(group)) {
      if (!prefixes.some((p) => type.startsWith(p))) continue;
      const schema = schemas
        .map((s) => (kind === "resource" ? s.resources : s.dataSources).get(type))
        .find((s) => s !== undefined);
      if (!schema) {
        problems.push(`${where}: ${kind} type ${type} does not exist in the provider schema`);
        continue;
      }
      for (const [name, bodies] of Object.entries(isObject(byName) ? byName : {})) {
        for (const body of Array.isArray(bodies) ? bodies : []) {
          if (isObject(body)) {
            const label = `${where}: ${kind === "data" ? "data." : ""}${type}.${name}`;
            problems.push(...checkBody(body, schema, label));
          }
        }
      }
    }
  }
  return problems;
}
