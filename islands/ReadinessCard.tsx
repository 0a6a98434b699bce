/** Readiness progress card: the overall score, its band, the change since the last snapshot. */
import { signedPoints } from "../lib/ui/format.ts";

export interface ReadinessCardProps {
  overall: number | null;
  band: string;
  /** Change of overall since the previous snapshot; null for the first snapshot. */
  delta: number | null;
  /** Time of the snapshot (ISO), null when there is none yet. */
  ts: string | null;
}

/** "+6.2", "−3.45", "±0" or "first snapshot": the stored change, as computed (2 decimals). */
export function formatDelta(delta: number | null, hasSnapshot: boolean): string {
  if (!hasSnapshot) return "no snapshot yet";
  if (delta === null) return "first snapshot";
  return signedPoints(delta);
}

export default function ReadinessCard({ overall, band, delta, ts }: ReadinessCardProps) {
  const deltaClass = delta === null
    ? "delta"
    : delta > 0
    ? "delta up"
    : delta < 0
    ? "delta down"
    : "delta";
  return (
    <section class="card readiness-card" aria-labelledby="readiness-card-title">
      <h2 id="readiness-card-title">Interview readiness</h2>
      <p class="readiness-number">
        <span data-testid="readiness-overall">{overall === null ? "–" : overall}</span>
        <span class="out-of">/ 100</span>
      </p>
      <p
        class={`band band-${band.toLowerCase().replace(/[^a-z]+/g, "-")}`}
        data-testid="readiness-band"
      >
        {band}
      </p>
      <p class={deltaClass} data-testid="readiness-delta">
        {formatDelta(delta, ts !== null)}
        {delta !== null && <span class="muted">since the previous snapshot</span>}
      </p>
      {ts && (
        <p class="muted" data-testid="readiness-ts">
          Updated{" "}
          <time dateTime={ts}>{new Date(ts).toUTCString().replace(/:\d\d GMT$/, " UTC")}</time>
        </p>
      )}
    </section>
  );
}
