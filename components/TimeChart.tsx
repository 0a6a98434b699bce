/**
 * The app's own line chart, rendered by Preact on the server and in the browser alike (the same
 * markup, no chart library owning DOM). x is proportional to time (or days), y is 0–100. Lines are
 * SVG stretched to the plot (strokes do not scale); dots, marks and labels are HTML placed by
 * percentage, so they stay round and readable at any width. Band labels sit in a gutter right of
 * the plot, so they never cover the line or its dots; minor date ticks are hidden on narrow charts.
 */
import { percentOf, type Tick } from "../lib/ui/time_axis.ts";

export interface ChartPoint {
  x: number;
  y: number;
  /** Tooltip and data attribute (e.g. the ISO time). */
  title: string;
  key: string;
}

export interface TimeChartProps {
  points: ChartPoint[];
  xDomain: [number, number];
  xTicks: Tick[];
  yTicks: Tick[];
  /** Horizontal reference lines (band thresholds), labelled in a gutter right of the plot. */
  lines?: Tick[];
  /** Draw as a step function (each value holds until the next point). */
  step?: boolean;
  /** Extra marks on the curve (censored learners), drawn as "+" symbols. */
  marks?: ChartPoint[];
  /** Short description for assistive technology; the data table carries the numbers. */
  label: string;
  testId?: string;
  color?: string;
}

const Y: [number, number] = [0, 100];

export function TimeChart(props: TimeChartProps) {
  const { points, xDomain, xTicks, yTicks, lines = [], step = false, marks = [] } = props;
  const px = (x: number) => percentOf(x, xDomain);
  const py = (y: number) => 100 - percentOf(y, Y);
  // SVG coordinates 0–1000 in both directions, stretched to the plot area.
  const sx = (x: number) => (px(x) * 10).toFixed(1);
  const sy = (y: number) => (py(y) * 10).toFixed(1);
  let d = "";
  points.forEach((p, i) => {
    if (i === 0) d += `M${sx(p.x)} ${sy(p.y)}`;
    else if (step) d += `H${sx(p.x)}V${sy(p.y)}`;
    else d += `L${sx(p.x)} ${sy(p.y)}`;
  });
  if (step && points.length > 0) d += `H${sx(xDomain[1])}`;
  const pct = (v: number) => `${v.toFixed(3)}%`;
  return (
    <div
      class={lines.length ? "tchart has-bands" : "tchart"}
      role="img"
      aria-label={props.label}
      data-chart="svg"
      data-chart-state="drawn"
      data-testid={props.testId}
      data-points={points.length}
      style={props.color ? { "--series": props.color } : undefined}
    >
      <div class="tchart-plot">
        <svg viewBox="0 0 1000 1000" preserveAspectRatio="none" aria-hidden="true">
          {yTicks.map((t) => (
            <line
              key={`g${t.value}`}
              class="grid-line"
              x1="0"
              x2="1000"
              y1={sy(t.value)}
              y2={sy(t.value)}
              vector-effect="non-scaling-stroke"
            />
          ))}
          {lines.map((t) => (
            <line
              key={`b${t.value}`}
              class="band-line"
              data-band={t.value}
              x1="0"
              x2="1000"
              y1={sy(t.value)}
              y2={sy(t.value)}
              vector-effect="non-scaling-stroke"
            />
          ))}
          <path class="series-line" d={d} vector-effect="non-scaling-stroke" />
        </svg>
        {points.map((p) => (
          <span
            key={p.key}
            class="dot"
            title={p.title}
            data-x={p.x}
            data-y={p.y}
            style={{ left: pct(px(p.x)), top: pct(py(p.y)) }}
          />
        ))}
        {marks.map((m) => (
          <span
            key={m.key}
            class="censor-mark"
            title={m.title}
            data-x={m.x}
            data-y={m.y}
            style={{ left: pct(px(m.x)), top: pct(py(m.y)) }}
          >
            +
          </span>
        ))}
      </div>
      <div class="tchart-y" aria-hidden="true">
        {yTicks.map((t) => (
          <span
            key={t.value}
            class={t.value === Y[0] ? "axis-floor" : undefined}
            style={{ top: pct(py(t.value)) }}
          >
            {t.label}
          </span>
        ))}
      </div>
      {lines.length > 0 && (
        <div class="tchart-bands" aria-hidden="true">
          {lines.map((t) => (
            <span
              key={`bl${t.value}`}
              class="band-label"
              data-band={t.value}
              style={{ top: pct(py(t.value)) }}
            >
              {t.label}
            </span>
          ))}
        </div>
      )}
      <div class="tchart-x" aria-hidden="true">
        {xTicks.map((t) => (
          <span
            key={t.value}
            class={t.minor ? "minor" : undefined}
            data-tick={t.value}
            style={{ left: pct(px(t.value)) }}
          >
            {t.label}
          </span>
        ))}
      </div>
    </div>
  );
}
