/** Readiness progress card: the overall score, its band, the change since the last snapshot. */
import { signedPoints } from "../lib/ui/format.ts";

export interface ReadinessCardProps {
  overall: number | null;
  band: string;
  /** Change of overall since the previous snapshot; null for the first snapshot. */
  delta: number | null;
  /** Time of the snapshot (ISO), null when there is none yet. */
  ts: string | null;
  /** When readiness was last brought up to date (ISO); the snapshot's time when not given. */
  updatedAt?: string | null;
  /** Newer answers are waiting for the next update. */
  pending?: boolean;
}

const shownTime = (iso: string) => new Date(iso).toUTCString().replace(/:\d\d GMT$/, " UTC");

/** "+6.2", "−3.45", "±0" or "first snapshot": the stored change, as computed (2 decimals). */
export function formatDelta(delta: number | null, hasSnapshot: boolean): string {
  if (!hasSnapshot) return "no snapshot yet";
  if (delta === null) return "first snapshot";
  return signedPoints(delta);
}

export default function ReadinessCard(
  { overall, band, delta, ts, updatedAt, pending }: ReadinessCardProps,
) {
  const updated = updatedAt ?? ts;
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
      {((ts && updated) || pending) && (
        <p class="muted" data-testid="readiness-ts">
          {ts && updated && (
            <>
              Updated <time dateTime={updated}>{shownTime(updated)}</time>
            </>
          )}
          {pending && (ts ? " · newer answers are being counted" : "New answers are being counted")}
        </p>
      )}
    </section>
  );
}
