/**
 * Server half of an island (the browser half is `_hydrate.tsx`): renders it in place, with its
 * props serialised for hydration. Pages import it; the browser bundle does not.
 */
import type { ComponentProps } from "preact";
import { islands } from "./mod.ts";

type Islands = typeof islands;

/** Renders island `name` with `props`; the browser bundle hydrates it with the same props. */
export function Island<K extends keyof Islands>(
  { name, props }: { name: K; props: ComponentProps<Islands[K]> },
) {
  // deno-lint-ignore no-explicit-any -- the registry maps names to components with different props
  const Component = islands[name] as any;
  return (
    <div data-island={name} data-props={JSON.stringify(props)}>
      <Component {...props} />
    </div>
  );
}
