/**
 * The floor of `deno task bench embedded`: PGlite alone. One Deno process creates a fresh PGlite
 * data directory (`Deno.args[0]`, which must not exist yet) with the options the server uses,
 * answers `select 1`, prints `ready` and waits to be stopped.
 */
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_OPTIONS } from "../lib/db/embedded.ts";

const db = await PGlite.create({ ...PGLITE_OPTIONS, dataDir: Deno.args[0] });
await db.query("select 1");
console.log("ready");
// Held open until the bench has read this process's memory and stops it.
await new Promise(() => {});
