/** Browser entry: hydrates every server-rendered island with the props serialised beside it. */
import { h, hydrate } from "preact";
import { islands } from "./mod.ts";
import { TIME_ZONE_COOKIE } from "../lib/ui/format.ts";

// The browser's time zone for the server: pages render their dates in it from the next request on
// (the server and the islands then print the same text, so hydration never mismatches).
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (zone) {
  document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; ` +
    `samesite=lax${location.protocol === "https:" ? "; secure" : ""}`;
}

for (const el of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const name = el.dataset.island as keyof typeof islands;
  const Component = islands[name];
  if (!Component) continue;
  const props = JSON.parse(el.dataset.props ?? "{}");
  // deno-lint-ignore no-explicit-any -- each island receives exactly the props the server rendered it with
  hydrate(h(Component as any, props), el);
  el.dataset.hydrated = "true";
}
