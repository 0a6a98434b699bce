/**
 * Legacy blob storage as the site sees it, without loading the Azure SDK: the SDK (about 0.2 s of
 * start-up and its memory) is loaded on the first request that reads storage, not when the site
 * starts. The reads themselves are in blob.ts.
 */
import type { ContainerClient } from "./blob.ts";

/** The configured sessions container (one client per process), or null when storage is not set. */
export async function sessionsContainer(
  azure: { connectionString: string | null; sessionsContainer: string },
): Promise<ContainerClient | null> {
  if (!azure.connectionString) return null;
  return (await import("./blob.ts")).configuredContainer(azure);
}

/** A storage request that failed (the SDK's RestError, recognised as the SDK itself does). */
export function isStorageError(error: unknown): error is Error {
  return error instanceof Error && error.name === "RestError";
}
