/** `deno task token ROLE [USER_ID]` — prints a bearer token signed with the configured secret. */
import { ensureDevSecret, issueToken, type Role, ROLES } from "../lib/auth.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { exitOnHelp } from "./_ops.ts";

exitOnHelp(`usage: deno task token ROLE [USER_ID]   (ROLE: ${ROLES.join(" | ")})`);
const [role, userId] = Deno.args;
if (!role || !(ROLES as readonly string[]).includes(role)) {
  console.error(`usage: deno task token ROLE [USER_ID]   (ROLE: ${ROLES.join(" | ")})`);
  Deno.exit(2);
}
if (role === "learner" && !userId) {
  console.error("a learner token needs the learner's USER_ID (a uuid)");
  Deno.exit(2);
}
try {
  const config = loadConfig();
  const secret = config.authSecret ?? await ensureDevSecret(config.dataDir);
  const sub = userId ?? `${role}-cli`;
  console.log(await issueToken(secret, role as Role, sub));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    Deno.exit(1);
  }
  throw error;
}
