/** Readiness progress card: the overall score, its band, the change since the last snapshot. */
import { dateTime, personScore, personSigned } from "../lib/ui/format.ts";

export interface ReadinessCardProps {
  overall: number | null;
  /** null without a snapshot. */
  band: string | null;
  /** Change of overall since the previous snapshot; null for the first snapshot. */
  delta: number | null;
  /** Time of the snapshot (ISO), null when there is none yet. */
  ts: string | null;
  /** When readiness was last brought up to date (ISO); the snapshot's time when not given. */
  updatedAt?: string | null;
  /** Newer answers are waiting for the next update. */
  pending?: boolean;
  /** Band thresholds: the score is printed so it never contradicts its band. */
  thresholds: number[];
  /** The reader's time zone (the server printed the same). */
  timeZone: string;
}

/**
 * "+6.2", "−3.5", "+1", "+0.04", "±0" or "first snapshot": the change to one decimal, as "Why did
 * my score change?" states it on the same page (so the two never read as different numbers).
 */
export function formatDelta(delta: number | null): string {
  if (delta === null) return "first snapshot";
  return personSigned(delta, 1);
}

export default function ReadinessCard(
  { overall, band, delta, ts, thresholds, timeZone, updatedAt, pending }: ReadinessCardProps,
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
      {ts === null || overall === null
        ? (
          <p class="empty" data-testid="readiness-empty">
            No readiness score yet.{pending && " New answers are being counted."}
          </p>
        )
        : (
          <>
            <p class="readiness-number">
              <span data-testid="readiness-overall" data-value={overall}>
                {personScore(overall, thresholds)}
              </span>
              <span class="out-of">/ 100</span>
            </p>
            {band && (
              <p
                class={`band band-${band.toLowerCase().replace(/[^a-z]+/g, "-")}`}
                data-testid="readiness-band"
              >
                {band}
              </p>
            )}
            {delta === null
              ? <p class="muted" data-testid="readiness-delta">The first snapshot.</p>
              : (
                <p class={deltaClass} data-testid="readiness-delta" data-value={delta}>
                  {formatDelta(delta)}
                  <span class="muted">since the previous snapshot</span>
                </p>
              )}
            <p class="muted" data-testid="readiness-ts">
              Updated <time dateTime={updated ?? ts}>{dateTime(updated ?? ts, timeZone)}</time>{" "}
              <span class="time-zone">({timeZone})</span>
              {pending && " · newer answers are being counted"}
            </p>
          </>
        )}
    </section>
  );
}
