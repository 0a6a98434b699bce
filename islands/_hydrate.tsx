/** Browser entry: hydrates every server-rendered island with the props serialised beside it. */
import { h, hydrate } from "preact";
import { islands } from "./mod.ts";

for (const el of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const name = el.dataset.island as keyof typeof islands;
  const Component = islands[name];
  if (!Component) continue;
  const props = JSON.parse(el.dataset.props ?? "{}");
  // deno-lint-ignore no-explicit-any -- each island receives exactly the props the server rendered it with
  hydrate(h(Component as any, props), el);
  el.dataset.hydrated = "true";
}
