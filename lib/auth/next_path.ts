/** The `next` rule after sign-in: only a path on this site, normalised the way a browser reads it. */

// A fixed origin that no request can name: a path resolved against it must stay on it.
const BASE = "http://pulse.invalid";
const MAX_LENGTH = 2048;
// Decoding rounds: enough for double-encoding (`%252F`); deeper nesting is refused, not guessed.
const MAX_DECODES = 3;

/**
 * C0 and C1 controls, DEL, backslash and Unicode whitespace or invisible format characters.
 * Browsers strip tabs and newlines inside URLs (`/\t/evil` becomes `//evil`) and read `\` as `/`;
 * the invisible ones make a path that looks local to a reader and is not.
 */
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\\\s\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/u;

/** The path part of `next` (before `?` or `#`), percent-decoded until it stops changing. */
function decodedPath(next: string): string | null {
  let path = next.split(/[?#]/, 1)[0];
  for (let round = 0; round <= MAX_DECODES; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return null; // malformed escapes: not a path a browser and this check read alike
    }
    if (decoded === path) return path;
    path = decoded;
  }
  return null;
}

/** Whether `path` (already a string starting with `/`) opens like a network path (`//`, `/\`). */
function networkPath(path: string): boolean {
  return path[0] !== "/" || path[1] === "/" || path[1] === "\\";
}

/**
 * `next` as a path on this site (`/dashboard?x=1` → `/dashboard?x=1`), or null. The raw value and
 * its percent-decoded path must be free of controls, backslashes and whitespace; dot segments are
 * removed (decoded and raw) before the path is checked, so `/.//x`, `/..//x`, `/%2e//x` and
 * `/%2F/x` are all refused; and the result, resolved against a fixed origin, must keep that origin
 * and not start with `//` or `/\`. Schemes (`javascript:`, `http:x`) and relative forms are refused.
 */
export function safeNextPath(next: string | undefined | null): string | null {
  if (typeof next !== "string" || next.length === 0 || next.length > MAX_LENGTH) return null;
  if (UNSAFE.test(next) || networkPath(next)) return null;
  const decoded = decodedPath(next);
  if (decoded === null || UNSAFE.test(decoded) || networkPath(decoded)) return null;
  let resolvedDecoded: URL;
  let url: URL;
  try {
    // The decoded path with its dot segments removed: what a server that decodes first would see.
    resolvedDecoded = new URL(decoded, BASE);
    url = new URL(next, BASE);
  } catch {
    return null;
  }
  if (resolvedDecoded.origin !== BASE || networkPath(resolvedDecoded.pathname)) return null;
  if (url.origin !== BASE) return null;
  const out = `${url.pathname}${url.search}${url.hash}`;
  return networkPath(out) || UNSAFE.test(out) ? null : out;
}
