/**
 * A reliability diagram: for each group of predictions (e.g. a readiness decile), the mean
 * predicted probability (x) against the observed rate (y), both 0–100 %, with the diagonal where
 * they agree. Dots are HTML placed by percentage over an SVG diagonal stretched to the square plot,
 * so the chart stays sharp and readable at any width; the numbers go in a table beside it.
 */

export interface ReliabilityPoint {
  key: string;
  /** Mean predicted probability, 0–1. */
  predicted: number;
  /** Observed rate, 0–1. */
  observed: number;
  /** Outcomes behind the point (the dot's title). */
  n: number;
  /** The group in words ("readiness 60–70"). */
  name: string;
}

export interface ReliabilityChartProps {
  points: ReliabilityPoint[];
  /** Short description for assistive technology; the table carries the numbers. */
  label: string;
  xTitle: string;
  yTitle: string;
  testId?: string;
}

const TICKS = [0, 0.25, 0.5, 0.75, 1];
const pct = (v: number) => `${(Math.min(1, Math.max(0, v)) * 100).toFixed(2)}%`;

export function ReliabilityChart({ points, label, xTitle, yTitle, testId }: ReliabilityChartProps) {
  return (
    <div class="rchart" role="img" aria-label={label} data-testid={testId}>
      <div class="rchart-frame" aria-hidden="true">
        <span class="rchart-ytitle">{yTitle}</span>
        <div class="rchart-y">
          {TICKS.map((t) => <span key={t} style={{ bottom: pct(t) }}>{t * 100}%</span>)}
        </div>
        <div class="rchart-plot">
          <svg viewBox="0 0 100 100" preserveAspectRatio="none">
            {TICKS.map((t) => (
              <g key={t}>
                <line
                  class="grid-line"
                  x1="0"
                  x2="100"
                  y1={100 - t * 100}
                  y2={100 - t * 100}
                  vector-effect="non-scaling-stroke"
                />
                <line
                  class="grid-line"
                  y1="0"
                  y2="100"
                  x1={t * 100}
                  x2={t * 100}
                  vector-effect="non-scaling-stroke"
                />
              </g>
            ))}
            <line
              class="rchart-diagonal"
              data-testid={testId ? `${testId}-diagonal` : undefined}
              x1="0"
              y1="100"
              x2="100"
              y2="0"
              vector-effect="non-scaling-stroke"
            />
          </svg>
          {points.map((p) => (
            <span
              key={p.key}
              class="rchart-dot"
              data-key={p.key}
              data-predicted={p.predicted}
              data-observed={p.observed}
              title={`${p.name}: predicted ${Math.round(p.predicted * 100)}%, observed ${
                Math.round(p.observed * 100)
              }% of ${p.n}`}
              style={{ left: pct(p.predicted), bottom: pct(p.observed) }}
            />
          ))}
        </div>
        <div class="rchart-x">
          {TICKS.map((t) => <span key={t} style={{ left: pct(t) }}>{t * 100}%</span>)}
        </div>
        <span class="rchart-xtitle">{xTitle}</span>
      </div>
    </div>
  );
}
