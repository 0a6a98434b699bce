/**
 * Legacy session JSON in Azure Blob Storage (`sessions/{sessionId}/transcript.json` and
 * `session.json` in the container named by PULSE_SESSIONS_CONTAINER). Read-only: Postgres is the
 * system of record and nothing here writes to storage.
 */
import { BlobServiceClient, type ContainerClient, RestError } from "@azure/storage-blob";

export type { ContainerClient };

/** Path of a session's transcript blob. */
export function transcriptBlobName(sessionId: string): string {
  return `sessions/${sessionId}/transcript.json`;
}

/** Path of a session's metadata blob (gives `user_id`). */
export function sessionBlobName(sessionId: string): string {
  return `sessions/${sessionId}/session.json`;
}

/** A container client from a storage connection string (Azure or Azurite). */
export function containerFromConnectionString(
  connectionString: string,
  containerName: string,
): ContainerClient {
  // Fewer, shorter retries than the SDK default (4 tries, up to 2 min): a feedback request should
  // fail in seconds when storage is down, and the backfill can simply be run again.
  const retryOptions = { maxTries: 3, retryDelayInMs: 250, maxRetryDelayInMs: 2000 };
  return BlobServiceClient.fromConnectionString(connectionString, { retryOptions })
    .getContainerClient(containerName);
}

const containers = new Map<string, ContainerClient>();

/** The configured sessions container (one client per process), or null when storage is not set. */
export function configuredContainer(
  azure: { connectionString: string | null; sessionsContainer: string },
): ContainerClient | null {
  if (!azure.connectionString) return null;
  const key = `${azure.sessionsContainer}\n${azure.connectionString}`;
  let container = containers.get(key);
  if (!container) {
    container = containerFromConnectionString(azure.connectionString, azure.sessionsContainer);
    containers.set(key, container);
  }
  return container;
}

/** Outcome of reading a JSON blob: parsed, absent, or present but not valid JSON. */
export type JsonBlob =
  | { status: "ok"; doc: unknown }
  | { status: "missing" }
  | { status: "invalid"; error: string };

/** Downloads and parses one blob; 404 is `missing`, other storage errors are thrown. */
export async function readJsonBlob(container: ContainerClient, name: string): Promise<JsonBlob> {
  let text: string;
  try {
    const response = await container.getBlobClient(name).download(0);
    text = await bodyText(response.readableStreamBody);
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return { status: "missing" };
    throw error;
  }
  try {
    return { status: "ok", doc: JSON.parse(text) };
  } catch (error) {
    return { status: "invalid", error: `invalid JSON in ${name}: ${(error as Error).message}` };
  }
}

async function bodyText(body: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!body) return "";
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  // TextDecoder drops a leading UTF-8 BOM, which some legacy writers put in front of the JSON.
  return new TextDecoder().decode(bytes);
}

/** Blobs per listing page (the service's maximum is 5,000). */
export const LIST_PAGE_SIZE = 1_000;
/** Blobs on the first listing page: a short first answer lets the consumer start sooner. */
const FIRST_PAGE_SIZE = 100;

/**
 * Names of the blobs under `prefix`, a listing page at a time, in listing order (memory stays
 * flat). The first page is small, so that the consumer starts after one short round trip; each
 * next page is requested as soon as one arrives, so listing overlaps with the consumer's work.
 */
export async function* listBlobPages(
  container: ContainerClient,
  prefix: string,
  pageSize = LIST_PAGE_SIZE,
): AsyncGenerator<string[]> {
  const pagesFrom = (continuationToken: string | undefined, maxPageSize: number) =>
    container.listBlobsFlat({ prefix }).byPage({ continuationToken, maxPageSize });
  const firstSize = Math.min(pageSize, FIRST_PAGE_SIZE);
  let pages = pagesFrom(undefined, firstSize);
  let next = pages.next();
  let first = firstSize < pageSize;
  while (true) {
    const page = await next;
    if (page.done) return;
    if (first) {
      // The rest at full size, from where the first page ended.
      first = false;
      const token = page.value.continuationToken;
      if (token) pages = pagesFrom(token, pageSize);
    }
    next = pages.next();
    // Kept from being reported as unhandled when the consumer stops early; awaited above otherwise.
    next.catch(() => {});
    yield page.value.segment.blobItems.map((blob) => blob.name);
  }
}

/** Names of the blobs under `prefix`, in listing order, streamed page by page (see listBlobPages). */
export async function* listBlobNames(
  container: ContainerClient,
  prefix: string,
  pageSize = LIST_PAGE_SIZE,
): AsyncGenerator<string> {
  for await (const names of listBlobPages(container, prefix, pageSize)) yield* names;
}
