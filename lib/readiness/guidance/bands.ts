/** The next readiness band above a score and the points to it. */
import type { ReadinessConfig } from "../config.ts";
import { Exact } from "../exact.ts";

export interface NextBand {
  label: string;
  min: number;
  /** Points from the current overall to the band's threshold (exact). */
  points: number;
}

/** The band above `overall` and the points to it; null in the top band or without a score. */
export function nextBand(overall: number | null, config: ReadinessConfig): NextBand | null {
  if (overall === null) return null;
  const band = config.bands.find((b) => b.min > overall);
  if (!band) return null;
  return {
    label: band.label,
    min: band.min,
    points: Exact.of(band.min).minus(overall).round2(),
  };
}
