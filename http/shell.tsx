/** HTML shell of every page (head, navigation, the island bundle) and the 403/404 pages. */
import type { Context } from "hono";
import type { ComponentChildren } from "preact";
import { render } from "preact-render-to-string";
import type { Caller } from "../lib/auth.ts";
import type { AppEnv } from "./env.ts";

export interface ShellProps {
  title: string;
  caller: Caller | null;
  /** Path of the page, to mark the current link. */
  path?: string;
  script: string | null;
  style: string | null;
  children: ComponentChildren;
}

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

/** The document around a page. */
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

/**
 * What a reader who may not open this page can do instead, in words for their role; `allowed` are
 * the roles the page is for (a coach on a learner's own dashboard reads something else than a coach
 * on the admin page).
 */
export function forbiddenText(
  role: Caller["role"] | undefined,
  allowed: readonly Caller["role"][] = [],
): string {
  const forLearnersOnly = allowed.length > 0 && allowed.every((r) => r === "learner");
  switch (role) {
    case "learner":
      return "You can only see your own progress. Ask your coach if you think you should see this page.";
    case "coach":
      return forLearnersOnly
        ? "This is a learner's own dashboard. As a coach you can open every learner's progress from Learners, and the group's from Cohorts."
        : "This page is for admins. As a coach you can open every learner's progress from Learners, and the group's from Cohorts.";
    case "admin":
      return forLearnersOnly
        ? "This is a learner's own dashboard. As an admin you can open every learner's progress from Learners."
        : "This page is not available to your account.";
    case "service":
      return "A service account uses the API, not the pages. Sign in as a person to see this page.";
    default:
      return "Your account cannot open this page. Sign in with another account or go back.";
  }
}

/** The 403 page, in words for the caller's role and the roles the page is for. */
export function forbiddenPage(c: Context<AppEnv>, allowed: readonly Caller["role"][] = []) {
  const role = c.get("caller")?.role;
  return renderPage(
    c,
    "Not allowed",
    <section class="card">
      <h1>Not allowed</h1>
      <p data-testid="forbidden-text">{forbiddenText(role, allowed)}</p>
      <p>
        <a href="/">Back to your start page</a>
      </p>
    </section>,
    403,
  );
}

/** A rendered page response with another status (the page shell only knows 200/403/404). */
export function withStatus(res: Response, status: number): Response {
  const out = new Response(res.body, { status, headers: res.headers });
  out.headers.set("cache-control", "no-store");
  return out;
}
