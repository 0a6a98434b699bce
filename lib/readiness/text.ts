/**
 * How the readiness wording prints dates and signed points. No imports: server pages and the
 * islands bundle (through lib/ui/format.ts) both take it.
 */

/** "12 Nov 2026" (UTC). */
export function longDate(iso: string): string {
  return new Date(iso).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** "+2.4", "−0.35", "±0" (points, as computed). */
export function signedPoints(value: number): string {
  if (value === 0) return "\u00b10";
  return `${value > 0 ? "+" : "\u2212"}${Math.abs(value)}`;
}
