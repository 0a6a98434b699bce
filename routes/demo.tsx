/**
 * GET/POST /demo — development-only sign-in as a demo learner, coach or admin. It answers only to
 * a browser on this machine: loopback peer, loopback Host (no DNS rebinding), no proxy hop from
 * elsewhere; anything else gets the 404 of an unknown page.
 */
import { type Context, Hono } from "hono";
import type { Role } from "../lib/auth.ts";
import { DEMO_ADMIN, DEMO_COACH, DEMO_LEARNERS } from "../lib/demo/people.ts";
import { isLoopbackAddress, isLoopbackHost, withoutPort } from "../lib/loopback.ts";
import { renderPage } from "../http/shell.tsx";
import type { AppEnv } from "../http/env.ts";
import { HOME, localPath, startSession } from "../http/session.ts";

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
