/**
 * `deno task token ROLE [USER_ID] [--ttl SECONDS]` — prints a bearer token signed with the
 * configured secret.
 * `deno task token --sign-in ROLE USER_ID [--next PATH] [--base-url URL]` — prints a single-use
 * sign-in link (valid 5 minutes), as the trainer mints it for a learner.
 */
import { parseArgs } from "node:util";
import {
  ensureDevSecret,
  issueSignInToken,
  issueToken,
  type Role,
  ROLES,
  SIGN_IN_MAX_TTL_SECONDS,
} from "../lib/auth.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";

const USAGE = `usage: deno task token ROLE [USER_ID] [--ttl SECONDS]
       deno task token --sign-in ROLE USER_ID [--next PATH] [--base-url URL]
  ROLE: ${ROLES.join(" | ")} (sign-in links: learner | coach | admin)
  --ttl       bearer token lifetime in seconds (default 3600, at most PULSE_TOKEN_MAX_TTL_SECONDS)
  --sign-in   print a single-use sign-in link valid ${SIGN_IN_MAX_TTL_SECONDS / 60} minutes
  --next      local path to open after sign-in (default: the role's home page)
  --base-url  where PULSE Analytics is served (default http://localhost:$PORT)`;

function fail(message: string): never {
  console.error(message);
  Deno.exit(2);
}

let args;
try {
  args = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      "sign-in": { type: "boolean", default: false },
      ttl: { type: "string" },
      next: { type: "string" },
      "base-url": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
if (args.values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const [role, userId] = args.positionals;
if (!role || !(ROLES as readonly string[]).includes(role)) fail(USAGE);
if (role === "learner" && !userId) fail("a learner token needs the learner's USER_ID (a uuid)");

try {
  const config = loadConfig();
  const secret = config.authSecret ?? await ensureDevSecret(config.dataDir);
  const sub = userId ?? `${role}-cli`;
  if (args.values["sign-in"]) {
    if (role === "service") fail("sign-in links are for people: learner, coach or admin");
    if (!userId) fail("a sign-in link needs the USER_ID of the person signing in");
    const base = args.values["base-url"] ?? `http://localhost:${config.port}`;
    const url = new URL("/sign-in/handoff", base);
    url.searchParams.set("token", await issueSignInToken(secret, role as Role, sub));
    if (args.values.next) url.searchParams.set("next", args.values.next);
    console.log(url.toString());
  } else {
    const ttl = Number(args.values.ttl ?? 3600);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > config.auth.tokenMaxTtlSeconds) {
      fail(
        `--ttl must be a whole number of seconds between 1 and ${config.auth.tokenMaxTtlSeconds} (PULSE_TOKEN_MAX_TTL_SECONDS)`,
      );
    }
    console.log(await issueToken(secret, role as Role, sub, ttl));
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    Deno.exit(1);
  }
  throw error;
}
