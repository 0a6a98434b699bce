/**
 * Number formats shared by server components and islands; no server imports, so the islands
 * bundle can take it.
 */

/** "+2.4", "−0.35", "±0" (points, as computed). */
export function signedPoints(value: number): string {
  if (value === 0) return "\u00b10";
  return `${value > 0 ? "+" : "\u2212"}${Math.abs(value)}`;
}
