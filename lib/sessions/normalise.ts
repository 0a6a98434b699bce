/**
 * The backfill spec's rules for a transcript document, shared by the completion writer, the
 * feedback reader, the backfill and the legacy import so every path stores the same lines.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical text form (any version, any case). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** One element of a transcript list as text: strings as they are, other JSON values as JSON. */
function lineText(element: unknown): string {
  if (element === null || element === undefined) return "";
  if (typeof element === "string") return element;
  if (typeof element === "object") return JSON.stringify(element);
  return String(element);
}

/**
 * `transcript_lines` of a transcript: list → each element to string, trimmed, empties dropped;
 * string → one trimmed line; missing or unusable (object, number, ...) → empty array.
 */
export function transcriptLines(transcript: unknown): string[] {
  if (Array.isArray(transcript)) {
    return transcript.map((e) => lineText(e).trim()).filter((line) => line !== "");
  }
  if (typeof transcript === "string") {
    const line = transcript.trim();
    return line === "" ? [] : [line];
  }
  return [];
}

/**
 * The transcript inside a parsed `transcript.json`: its `transcript` field, or the document itself
 * when the document is a bare list or string (oldest legacy blobs).
 */
export function transcriptOf(doc: unknown): unknown {
  if (Array.isArray(doc) || typeof doc === "string") return doc;
  if (doc !== null && typeof doc === "object") return (doc as Record<string, unknown>).transcript;
  return undefined;
}

/** The `session_id` field of a document when present and non-empty (trimmed), else null. */
export function documentSessionId(doc: unknown): string | null {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return null;
  const value = (doc as Record<string, unknown>).session_id;
  if (value === undefined || value === null) return null;
  const text = (typeof value === "string" ? value : JSON.stringify(value)).trim();
  return text === "" ? null : text;
}

/** The `user_id` field of a document when it is a UUID, else null (missing or invalid). */
export function documentUserId(doc: unknown): string | null {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return null;
  const value = (doc as Record<string, unknown>).user_id;
  return typeof value === "string" && isUuid(value.trim()) ? value.trim().toLowerCase() : null;
}
