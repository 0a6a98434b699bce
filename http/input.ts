/**
 * Hostile-input guard, applied once to every route before any handler reads the request: body
 * size limits (API and pages), JSON only on the API (415 otherwise), bounded JSON nesting, and no
 * NUL or unpaired surrogate in any string of a JSON or form body, the query or the path (where
 * percent-encoding must also decode to valid UTF-8).
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { routePath } from "hono/route";
import {
  badStringReason,
  describeIssues,
  findBadString,
  jsonDepth,
  printableKey,
} from "../lib/validation.ts";
import { ApiError } from "./errors.ts";
import type { AppEnv } from "./env.ts";

export interface InputLimits {
  /** Largest body of an `/api/*` request, in bytes. */
  apiMaxBytes: number;
  /** Largest body of any other request (pages, forms such as /demo), in bytes. */
  pageMaxBytes: number;
  /** Deepest JSON nesting accepted. */
  maxJsonDepth: number;
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json(\s*;.*)?$/i;
const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded(\s*;.*)?$/i;

function tooLarge(limit: number) {
  return () => {
    throw new ApiError(413, "payload_too_large", `Request body is larger than ${limit} bytes`);
  };
}

function invalid(where: string, path: (string | number)[], message: string): ApiError {
  const text = describeIssues([{ path, message }]);
  return new ApiError(400, "invalid_request", `The ${where} is invalid: ${text}`, [
    { path, message, code: "invalid_string" },
  ]);
}

/** Body size limits: the API's, and a smaller one for everything else (pages, /demo). */
export function bodyLimits(limits: InputLimits): MiddlewareHandler<AppEnv> {
  const api = bodyLimit({ maxSize: limits.apiMaxBytes, onError: tooLarge(limits.apiMaxBytes) });
  const page = bodyLimit({
    maxSize: limits.pageMaxBytes,
    onError: tooLarge(limits.pageMaxBytes),
  });
  return (c, next) => (isApi(c) ? api(c, next) : page(c, next));
}

function isApi(c: Context): boolean {
  return c.req.path === "/api" || c.req.path.startsWith("/api/");
}

/** Checks path, query and body (after the body limit) as described in the module comment. */
export function inputGuard(limits: InputLimits): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    checkPath(c);
    checkQuery(c);
    // An API request without a valid token is answered 401 by its route before anything reads
    // the body: its body is not looked at here either.
    const unauthenticatedApi = isApi(c) && c.get("caller") === null;
    if (c.req.raw.body !== null && !unauthenticatedApi) await checkBody(c, limits);
    await next();
  };
}

async function checkBody(c: Context, limits: InputLimits): Promise<void> {
  const contentType = c.req.header("content-type") ?? "";
  const api = isApi(c);
  if (!api && !FORM_MEDIA_TYPE.test(contentType)) return;
  const text = await c.req.text(); // cached by Hono for any later reader
  if (text === "") return;
  if (!api) {
    for (const [key, value] of new URLSearchParams(text)) {
      const reason = badStringReason(key) ?? badStringReason(value);
      if (reason) throw invalid("form", [printableKey(key)], reason);
    }
    return;
  }
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      contentType
        ? `Content-Type '${contentType}' is not accepted; send application/json`
        : "A request body needs Content-Type: application/json",
    );
  }
  if (jsonDepth(text, limits.maxJsonDepth) > limits.maxJsonDepth) {
    throw new ApiError(
      400,
      "invalid_request",
      `The request body is invalid: JSON nested deeper than ${limits.maxJsonDepth} levels`,
      [{ path: [], message: `nested deeper than ${limits.maxJsonDepth} levels`, code: "too_deep" }],
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError(
      400,
      "bad_request",
      `Malformed JSON in request body: ${(error as Error).message}`,
    );
  }
  const bad = findBadString(parsed);
  if (bad) throw invalid("request body", bad.path, bad.message);
  // Hono's `c.req.json()` parses the cached text on every call: the route's validator gets this
  // parse instead of a second one (readers share the value; none of them mutates it).
  c.req.json = <T>() => Promise.resolve(parsed as T);
}

/** Query names and values: valid percent-encoded UTF-8, and storable once decoded. */
function checkQuery(c: Context): void {
  const url = c.req.url;
  const start = url.indexOf("?");
  if (start < 0) return;
  const end = url.indexOf("#", start);
  for (const pair of url.slice(start + 1, end < 0 ? undefined : end).split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const [rawKey, rawValue] = eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const key = decodeQueryPart(rawKey);
    if (key === null) throw invalid("query", [rawKey], "name is not valid percent-encoded UTF-8");
    const keyReason = badStringReason(key);
    if (keyReason) throw invalid("query", [printableKey(key)], `name ${keyReason}`);
    const value = decodeQueryPart(rawValue);
    if (value === null) throw invalid("query", [key], "is not valid percent-encoded UTF-8");
    const reason = badStringReason(value);
    if (reason) throw invalid("query", [key], reason);
  }
}

function decodeQueryPart(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/** Path segments, decoded as the router decodes them; a bad one is named by its route parameter. */
function checkPath(c: Context): void {
  const raw = new URL(c.req.url).pathname;
  if (!raw.includes("%")) return; // a NUL or lone surrogate can only arrive percent-encoded
  const segments = raw.split("/");
  for (let i = 0; i < segments.length; i++) {
    let decoded: string | null;
    try {
      decoded = decodeURIComponent(segments[i]);
    } catch {
      decoded = null;
    }
    const reason = decoded === null
      ? "is not valid percent-encoded UTF-8"
      : badStringReason(decoded);
    if (reason) {
      const pattern = routePath(c, -1).split("/")[i] ?? "";
      const name = pattern.startsWith(":") ? pattern.slice(1).replace(/\{.*$/, "") : `segment ${i}`;
      throw invalid("path", [name], reason);
    }
  }
}
