/**
 * Number formats shared by server components and islands; no server imports, so the islands
 * bundle can take it.
 */
export { signedPoints } from "../readiness/text.ts";
