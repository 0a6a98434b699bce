/** GET/POST /demo — development-only sign-in as a demo learner, coach or admin. */
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { issueToken, type Role } from "../lib/auth.ts";
import { DEMO_ADMIN, DEMO_COACH, DEMO_LEARNERS } from "../lib/demo/people.ts";
import { renderPage } from "./_app.tsx";
import type { AppEnv } from "./_middleware.ts";
import { TOKEN_COOKIE } from "./_middleware.ts";

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

/** `next` if it is a path on this site (not "//host" or a URL), else null. */
export function localPath(next: unknown): string | null {
  return typeof next === "string" && /^\/(?![\/\\])/.test(next) ? next : null;
}

const HOME: Record<Role, string> = {
  learner: "/dashboard",
  coach: "/learners",
  admin: "/admin",
  service: "/",
};

export const demoRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (c.get("config").env !== "development") return c.notFound();
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
    const token = await issueToken(
      c.get("config").authSecret,
      person.role,
      person.userId,
      60 * 60 * 12,
    );
    setCookie(c, TOKEN_COOKIE, token, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      maxAge: 60 * 60 * 12,
    });
    return c.redirect(localPath(form.next) ?? HOME[person.role], 303);
  });
