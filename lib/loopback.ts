/**
 * What counts as this machine, in one place: the demo sign-in (peer, Host and proxy hops), the
 * metrics endpoint (peer) and the OIDC client (plain http only to a provider on this machine).
 */

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses (brackets allowed: `[::1]`). */
export function isLoopbackAddress(address: string): boolean {
  const a = address.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return a === "::1" || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** A host or address without its port (`[::1]:80` → `[::1]`, `::1` stays, `a:80` → `a`). */
export function withoutPort(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith("[")) return v.slice(0, v.indexOf("]") + 1);
  return v.split(":").length === 2 ? v.slice(0, v.indexOf(":")) : v;
}

/**
 * True for `localhost` and loopback addresses, with or without a port. Names under `.localhost`
 * are not trusted: whether they resolve to this machine is up to the resolver.
 */
export function isLoopbackHost(host: string): boolean {
  const name = withoutPort(host);
  return name === "localhost" || isLoopbackAddress(name);
}
