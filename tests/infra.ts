/**
 * Loading and walking the Terraform under infra/ for the static checks (there is no terraform
 * binary in CI): every .tf / .tfvars.example file parsed once with hcl2json.
 */
import { parse } from "@cdktf/hcl2json";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const INFRA_DIR = new URL("../infra", import.meta.url).pathname;
export const TF_DIR = `${INFRA_DIR}/terraform`;
export const MODULE_DIR = `${TF_DIR}/modules/pulse_analytics_postgres`;
export const CITUS_MODULE_DIR = `${TF_DIR}/modules/pulse_analytics_citus`;
export const MODULE_SOURCE = "../../modules/pulse_analytics_postgres";
export const CITUS_MODULE_SOURCE = "../../modules/pulse_analytics_citus";
export const ENVS = ["dev", "staging", "prod"] as const;
export type EnvName = typeof ENVS[number];
export const CITUS_ENV_DIR = `${TF_DIR}/envs/prod_citus`;

/** Whether a value is a JSON object (not null, not an array). */
export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value as an object, or an error naming `what`. */
export function asObject(value: Json | undefined, what: string): JsonObject {
  if (!isObject(value)) {
    throw new Error(`${what}: expected an object, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** hcl2json renders every block body as an array of bodies; labelled blocks as maps of those. */
export function firstBody(value: Json | undefined, what: string): JsonObject {
  if (Array.isArray(value) && value.length === 1) return asObject(value[0], what);
  throw new Error(`${what}: expected exactly one block body, got ${JSON.stringify(value)}`);
}

/** `variable "x" {}` blocks (or outputs, modules ...) of a parsed directory, by label. */
export function labelled(doc: JsonObject, kind: string): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  const group = doc[kind];
  if (group === undefined) return out;
  for (const [name, bodies] of Object.entries(asObject(group, kind))) {
    out[name] = firstBody(bodies, `${kind} "${name}"`);
  }
  return out;
}

/** Resources (or data sources with kind = "data") of one type, by name. */
export function resources(
  doc: JsonObject,
  type: string,
  kind: "resource" | "data" = "resource",
): Record<string, JsonObject> {
  const group = doc[kind];
  if (!isObject(group) || group[type] === undefined) return {};
  const out: Record<string, JsonObject> = {};
  for (const [name, bodies] of Object.entries(asObject(group[type], type))) {
    out[name] = firstBody(bodies, `${kind} "${type}" "${name}"`);
  }
  return out;
}

/** Every `locals {}` block of a parsed directory, merged. */
export function locals(doc: JsonObject): JsonObject {
  const out: JsonObject = {};
  const blocks = doc.locals;
  if (!Array.isArray(blocks)) return out;
  for (const block of blocks) Object.assign(out, asObject(block, "locals"));
  return out;
}

/** Every string inside a JSON value (expressions are strings like "${...}"). */
export function stringsIn(value: Json): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isObject(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}

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

/** Whether a path is an HCL file the checks parse. */
export const isHcl = (path: string) => path.endsWith(".tf") || path.endsWith(".tfvars.example");
/** A path relative to infra/, for messages. */
export const rel = (path: string) => path.slice(INFRA_DIR.length + 1);

export const ALL_FILES = await walk(INFRA_DIR);
export const HCL_FILES = ALL_FILES.filter(isHcl);
export const TEXT: Record<string, string> = {};
export const PARSED: Record<string, JsonObject> = {};
for (const path of ALL_FILES) {
  TEXT[path] = await Deno.readTextFile(path);
}
for (const path of HCL_FILES) {
  PARSED[path] = await parse(path, TEXT[path]) as JsonObject;
}

/** Merge the parsed .tf files of one directory (one Terraform module), rejecting duplicates. */
export function moduleDoc(dir: string): JsonObject {
  const merged: JsonObject = {};
  const files = HCL_FILES.filter((p) =>
    p.endsWith(".tf") && p.slice(0, p.lastIndexOf("/")) === dir
  );
  if (files.length === 0) throw new Error(`no .tf files in ${rel(dir)}`);
  for (const path of files) {
    for (const [kind, value] of Object.entries(PARSED[path])) {
      if (Array.isArray(value)) {
        merged[kind] = [...((merged[kind] as Json[] | undefined) ?? []), ...value];
      } else if (kind === "resource" || kind === "data") {
        const target = (merged[kind] ??= {}) as JsonObject;
        for (const [type, byName] of Object.entries(asObject(value, kind))) {
          const names = (target[type] ??= {}) as JsonObject;
          for (const [name, body] of Object.entries(asObject(byName, type))) {
            if (name in names) throw new Error(`duplicate ${kind} ${type}.${name} in ${rel(dir)}`);
            names[name] = body;
          }
        }
      } else {
        const target = (merged[kind] ??= {}) as JsonObject;
        for (const [name, body] of Object.entries(asObject(value, kind))) {
          if (name in target) throw new Error(`duplicate ${kind} "${name}" in ${rel(dir)}`);
          target[name] = body;
        }
      }
    }
  }
  return merged;
}

/** Directories holding .tf files (modules and roots), sorted. */
export function terraformDirs(): string[] {
  return [
    ...new Set(
      HCL_FILES.filter((p) => p.endsWith(".tf")).map((p) => p.slice(0, p.lastIndexOf("/"))),
    ),
  ].sort();
}
