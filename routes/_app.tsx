/** HTML shell of every page: head, header with navigation, the island bundle. */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { ComponentChildren } from "preact";
import { render } from "preact-render-to-string";
import type { Caller } from "../lib/auth.ts";
import type { AppEnv } from "./_middleware.ts";

export interface ShellProps {
  title: string;
  caller: Caller | null;
  /** Path of the page, to mark the current link. */
  path?: string;
  script: string | null;
  style: string | null;
  children: ComponentChildren;
}

/** The document around a page. */
/** Header links by role: each person sees the pages they may open. */
export function navLinks(role: Caller["role"] | undefined): { href: string; label: string }[] {
  switch (role) {
    case "learner":
      return [{ href: "/dashboard", label: "My progress" }];
    case "coach":
      return [{ href: "/learners", label: "Learners" }, { href: "/cohorts", label: "Cohorts" }];
    case "admin":
      return [
        { href: "/learners", label: "Learners" },
        { href: "/cohorts", label: "Cohorts" },
        { href: "/admin", label: "Admin" },
      ];
    default:
      return [];
  }
}

export function AppShell({ title, caller, path, script, style, children }: ShellProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>{`${title} · PULSE Analytics`}</title>
        {style && <link rel="stylesheet" href={style} />}
        {script && <script type="module" src={script} defer />}
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="top">
          <a href="/">PULSE Analytics</a>
          <nav aria-label="Main">
            {navLinks(caller?.role).map((l) => (
              <a
                key={l.href}
                href={l.href}
                aria-current={path === l.href || path?.startsWith(`${l.href}/`)
                  ? "page"
                  : undefined}
              >
                {l.label}
              </a>
            ))}
            {caller && (
              <form method="post" action="/sign-out">
                <button type="submit">Sign out</button>
              </form>
            )}
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}

/** Renders a page inside the shell as the response. */
export function renderPage(
  c: Context<AppEnv>,
  title: string,
  body: ComponentChildren,
  status: 200 | 403 | 404 = 200,
) {
  const assets = c.get("assets");
  const html = render(
    <AppShell
      title={title}
      caller={c.get("caller")}
      path={c.req.path}
      script={assets?.script ?? null}
      style={assets?.style ?? null}
    >
      {body}
    </AppShell>,
  );
  return c.html(`<!DOCTYPE html>${html}`, status);
}

/** Where to send someone who is not signed in. */
export function signInPath(c: Context<AppEnv>): string {
  return c.get("config").env === "development" ? "/demo" : "/sign-in";
}

/** Page guard: redirect to sign-in without a session; 403 page for a role not in `roles`. */
export function requirePageRole(...roles: Caller["role"][]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const caller = c.get("caller");
    if (!caller) return c.redirect(`${signInPath(c)}?next=${encodeURIComponent(c.req.path)}`, 302);
    if (!roles.includes(caller.role)) return forbiddenPage(c);
    await next();
  });
}

/** The 404 page for unknown page URLs (API paths answer JSON). */
export function notFoundPage(c: Context<AppEnv>) {
  return renderPage(
    c,
    "Not found",
    <section class="card">
      <h1>Page not found</h1>
      <p>
        <a href="/">Back to start</a>
      </p>
    </section>,
    404,
  );
}

/** What the 403 page says, by the role of the person who got it. */
export function forbiddenText(role: Caller["role"] | undefined): string {
  switch (role) {
    case "learner":
      return "You can only see your own progress. Ask your coach if you think you should see this page.";
    case "coach":
      return "This page is for admins. As a coach you can open every learner's progress from Learners.";
    case "admin":
      return "This page is not available to your account.";
    default:
      return "Your account cannot open this page. Sign in with another account or go back.";
  }
}

/** The 403 page, in words for the caller's role. */
export function forbiddenPage(c: Context<AppEnv>) {
  const role = c.get("caller")?.role;
  return renderPage(
    c,
    "Not allowed",
    <section class="card">
      <h1>Not allowed</h1>
      <p data-testid="forbidden-text">{forbiddenText(role)}</p>
      <p>
        <a href="/">Back to your start page</a>
      </p>
    </section>,
    403,
  );
}
