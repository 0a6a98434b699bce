/**
 * Rates with their 95 % intervals as dots and whiskers, one row per group, on a 0–100 % scale:
 * HTML placed by percentage (sharp at any width), the numbers in the row's text and in a table
 * beside it. A group without data is a row that says so.
 */

export interface IntervalRow {
  /** Key and CSS hook (e.g. the band label). */
  key: string;
  name: string;
  /** 0–1, or null when the group has no data. */
  value: number | null;
  ci95: [number, number] | null;
  /** What the row says at its end ("45 % of 20"). */
  text: string;
}

export interface IntervalChartProps {
  rows: IntervalRow[];
  /** Short description for assistive technology; the table carries the numbers. */
  label: string;
  testId?: string;
}

const TICKS = [0, 0.25, 0.5, 0.75, 1];
const pct = (v: number) => `${(Math.min(1, Math.max(0, v)) * 100).toFixed(2)}%`;

export function IntervalChart({ rows, label, testId }: IntervalChartProps) {
  return (
    <div class="ichart" role="img" aria-label={label} data-testid={testId}>
      {rows.map((r) => (
        <div class="ichart-row" key={r.key} data-key={r.key} aria-hidden="true">
          <span class="ichart-name">{r.name}</span>
          <span class="ichart-track">
            {TICKS.map((t) => <span key={t} class="ichart-grid" style={{ left: pct(t) }} />)}
            {r.ci95 && (
              <span
                class="ichart-whisker"
                data-lo={r.ci95[0]}
                data-hi={r.ci95[1]}
                style={{ left: pct(r.ci95[0]), width: pct(r.ci95[1] - r.ci95[0]) }}
              />
            )}
            {r.value !== null && (
              <span class="ichart-dot" data-value={r.value} style={{ left: pct(r.value) }} />
            )}
          </span>
          <span class="ichart-text">{r.text}</span>
        </div>
      ))}
      <div class="ichart-row ichart-axis" aria-hidden="true">
        <span class="ichart-name" />
        <span class="ichart-track">
          {TICKS.map((t) => (
            <span key={t} class="ichart-tick" style={{ left: pct(t) }}>{t * 100}%</span>
          ))}
        </span>
        <span class="ichart-text" />
      </div>
    </div>
  );
}
