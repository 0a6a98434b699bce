/** Schema migrations with dbmate (SQL files in migrations/), run as the platform binary. */
import type { Queryable } from "./client.ts";

export const MIGRATIONS_DIR = new URL("../../migrations/", import.meta.url).pathname;

/** Path of the dbmate binary shipped by the npm platform package. */
export function dbmateBinary(): string {
  return new URL(import.meta.resolve("@dbmate/linux-x64/bin/dbmate")).pathname;
}

/**
 * Runs dbmate with the given arguments against `url`; throws with dbmate's output on failure.
 * The URL travels in the child's environment (DATABASE_URL), never on its command line, where
 * `ps` would show the password to every user of the machine.
 */
export async function runDbmate(
  url: string,
  args: string[],
  options: { quiet?: boolean } = {},
): Promise<string> {
  const command = new Deno.Command(dbmateBinary(), {
    args: ["--migrations-dir", MIGRATIONS_DIR, "--no-dump-schema", ...args],
    env: { DATABASE_URL: url },
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  if (code !== 0) {
    throw new Error(`dbmate ${args.join(" ")} failed: ${redactSecrets(out.trim(), url)}`);
  }
  if (!options.quiet && out.trim()) console.log(out.trim());
  return out;
}

/** Applies every pending migration. */
export async function migrateUp(url: string, options: { quiet?: boolean } = {}): Promise<void> {
  await runDbmate(url, ["up"], options);
}

/** Versions of the migration files in migrations/, oldest first. */
export async function migrationVersions(): Promise<string[]> {
  const versions: string[] = [];
  for await (const entry of Deno.readDir(MIGRATIONS_DIR)) {
    const match = entry.isFile && /^(\d+)_.*\.sql$/.exec(entry.name);
    if (match) versions.push(match[1]);
  }
  return versions.sort();
}

/** Versions present in migrations/ but not yet applied to the database. */
export async function pendingMigrations(sql: Queryable): Promise<string[]> {
  const [{ exists }] = await sql<{ exists: boolean }[]>`
    select to_regclass('public.schema_migrations') is not null as exists`;
  const applied = new Set(
    exists
      ? (await sql<{ version: string }[]>`select version from public.schema_migrations`).map((r) =>
        r.version
      )
      : [],
  );
  return (await migrationVersions()).filter((v) => !applied.has(v));
}

/** `text` without the password of `url` (dbmate may echo the URL in its errors). */
function redactSecrets(text: string, url: string): string {
  try {
    const password = new URL(url).password;
    if (!password) return text;
    return text.replaceAll(password, "***").replaceAll(decodeURIComponent(password), "***");
  } catch {
    return text;
  }
}
