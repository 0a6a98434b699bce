/**
 * GET/POST /demo — development-only sign-in as a demo learner, coach or admin. It answers only to
 * a browser on this machine: loopback peer, loopback Host (no DNS rebinding), no proxy hop from
 * elsewhere; anything else gets the 404 of an unknown page.
 */
import { type Context, Hono } from "hono";
import type { Role } from "../lib/auth.ts";
import { DEMO_ADMIN, DEMO_COACH, DEMO_LEARNERS } from "../lib/demo/people.ts";
import { renderPage } from "./_app.tsx";
import type { AppEnv } from "./_middleware.ts";
import { HOME, localPath, startSession } from "./sign_in/_session.ts";

const PEOPLE: { userId: string; name: string; role: Role; detail: string }[] = [
  ...DEMO_LEARNERS.map((l) => ({
    userId: l.userId,
    name: l.name,
    role: "learner" as const,
    detail: `${l.level} · ${l.track}`,
  })),
  { ...DEMO_COACH, role: "coach", detail: "sees every learner" },
  { ...DEMO_ADMIN, role: "admin", detail: "recompute and cohorts" },
];

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return a === "::1" || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** A host or address without its port (`[::1]:80` → `[::1]`, `::1` stays, `a:80` → `a`). */
function withoutPort(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith("[")) return v.slice(0, v.indexOf("]") + 1);
  return v.split(":").length === 2 ? v.slice(0, v.indexOf(":")) : v;
}

/** True for localhost names and loopback addresses, with or without a port. */
export function isLoopbackHost(host: string): boolean {
  const name = withoutPort(host);
  return name === "localhost" || name.endsWith(".localhost") || isLoopbackAddress(name);
}

/** Whether this request comes from this machine (see the module comment). */
export function fromLoopback(c: Context<AppEnv>): boolean {
  const peer = (c.env as { remoteAddr?: { hostname?: string } } | undefined)?.remoteAddr?.hostname;
  if (!peer || !isLoopbackAddress(peer)) return false;
  if (!isLoopbackHost(c.req.header("host") ?? new URL(c.req.url).host)) return false;
  const hops = [
    ...(c.req.header("x-forwarded-for")?.split(",") ?? []),
    ...(c.req.header("x-real-ip") ? [c.req.header("x-real-ip")!] : []),
    ...[...(c.req.header("forwarded") ?? "").matchAll(/for="?([^";,]+)/gi)].map((m) => m[1]),
  ];
  return hops.every((hop) => isLoopbackAddress(withoutPort(hop)));
}

export const demoRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (c.get("config").env !== "development" || !fromLoopback(c)) return c.notFound();
    await next();
  })
  .get("/", (c) => {
    const next = localPath(c.req.query("next"));
    return renderPage(
      c,
      "Demo sign-in",
      <section class="card">
        <h1>Demo sign-in</h1>
        <p class="muted">
          Development only. Pick someone to see PULSE Analytics through their eyes.
        </p>
        <ul class="demo-list">
          {PEOPLE.map((p) => (
            <li class="card" key={p.userId}>
              <form method="post" action="/demo">
                <input type="hidden" name="user_id" value={p.userId} />
                {next && <input type="hidden" name="next" value={next} />}
                <span>
                  <strong>{p.name}</strong> <span class="muted">({p.role}, {p.detail})</span>
                </span>
                <button type="submit" data-user={p.userId}>Sign in as {p.name}</button>
              </form>
            </li>
          ))}
        </ul>
      </section>,
    );
  })
  .post("/", async (c) => {
    const form = await c.req.parseBody();
    const person = PEOPLE.find((p) => p.userId === form.user_id);
    if (!person) return c.text("Unknown demo person", 400);
    // The same page session as every other sign-in (lifetime from PULSE_SESSION_TTL_SECONDS).
    await startSession(c, { userId: person.userId, role: person.role });
    return c.redirect(
      localPath(typeof form.next === "string" ? form.next : null) ?? HOME[person.role],
      303,
    );
  });
