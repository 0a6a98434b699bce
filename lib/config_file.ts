/** Reads one JSON file of config/ and validates it with its zod schema (errors name file and field). */
import type { z } from "zod";
import { describeIssues } from "./validation.ts";

/** The config/ directory shipped with the code. */
export const CONFIG_DIR = new URL("../config/", import.meta.url);

/** Reads and validates one JSON file of config/; the error names the file and the field. */
export function readConfigFile<T>(name: string, schema: z.ZodType<T>, dir: URL = CONFIG_DIR): T {
  const url = new URL(name, dir);
  let raw: unknown;
  try {
    raw = JSON.parse(Deno.readTextFileSync(url));
  } catch (error) {
    throw new Error(`config/${name}: cannot read JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = describeIssues(parsed.error.issues, {
      root: "(root)",
      separator: " ",
      more: false,
    });
    throw new Error(`config/${name}: ${issue}`);
  }
  return parsed.data;
}
