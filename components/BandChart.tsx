/**
 * Band counts over time as stacked bars, rendered on the server like TimeChart: each bar stands at
 * its instant (x proportional to time), its segments are the learners per band, stacked in the
 * order given (the first at the bottom). HTML placed by percentage, so it stays sharp at any width.
 */
import { dayMonth, numberTicks, percentOf } from "../lib/ui/time_axis.ts";

export interface BandChartPoint {
  /** ISO instant of the counts. */
  at: string;
  bands: Record<string, number>;
}

export interface BandChartProps {
  points: BandChartPoint[];
  /** Labels in stacking order, bottom first. */
  labels: string[];
  /** How each label is named in the legend (e.g. `none` → "No readiness yet"). */
  names?: Record<string, string>;
  /** Short description for assistive technology; the data table carries the numbers. */
  label: string;
  /** At most this many date labels on the x axis (they must not overlap on a phone). */
  maxDateLabels?: number;
  testId?: string;
}

/** A CSS class name for a band label ("Nearly Ready" → "seg-nearly-ready"). */
export function segmentClass(label: string): string {
  return `seg-${label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
}

/**
 * Which points get a date label: the latest always, then every k-th going back, with k the
 * smallest step that keeps to `max` labels (points are evenly spaced, so the labels are too).
 */
export function labelledPoints(count: number, max: number): Set<number> {
  const k = Math.max(1, Math.ceil(count / Math.max(1, max)));
  const out = new Set<number>();
  for (let i = count - 1; i >= 0; i -= k) out.add(i);
  return out;
}

export function BandChart(props: BandChartProps) {
  const { points, labels, names = {}, maxDateLabels = 4 } = props;
  const times = points.map((p) => Date.parse(p.at));
  // Half a step either side, so the first and last bars sit wholly inside the plot.
  const step = times.length > 1 ? times[1] - times[0] : 7 * 24 * 60 * 60 * 1000;
  const domain: [number, number] = [times[0] - step / 2, times[times.length - 1] + step / 2];
  const totals = points.map((p) => labels.reduce((s, l) => s + (p.bands[l] ?? 0), 0));
  const yMax = Math.max(1, ...totals);
  const yTicks = numberTicks(yMax, 5, "");
  // Label the top (the cohort's size) too, when it is not too close to the last tick to read.
  const lastTick = yTicks[yTicks.length - 1].value;
  const tickStep = yTicks.length > 1 ? yTicks[1].value - yTicks[0].value : yMax;
  if (lastTick < yMax && yMax - lastTick >= tickStep / 2) {
    yTicks.push({ value: yMax, label: String(yMax) });
  }
  const pct = (v: number) => `${v.toFixed(3)}%`;
  const barWidth = Math.min(70, (0.7 * step * 100) / (domain[1] - domain[0]));
  const dated = labelledPoints(points.length, maxDateLabels);
  return (
    <div class="band-chart">
      <div
        class="tchart"
        role="img"
        aria-label={props.label}
        data-chart="bands"
        data-testid={props.testId}
        data-points={points.length}
      >
        <div class="tchart-plot">
          <svg viewBox="0 0 1000 1000" preserveAspectRatio="none" aria-hidden="true">
            {yTicks.map((t) => {
              const y = ((100 - percentOf(t.value, [0, yMax])) * 10).toFixed(1);
              return (
                <line
                  key={t.value}
                  class="grid-line"
                  x1="0"
                  x2="1000"
                  y1={y}
                  y2={y}
                  vector-effect="non-scaling-stroke"
                />
              );
            })}
          </svg>
          {points.map((p, i) => (
            <div
              key={p.at}
              class="band-bar"
              data-at={p.at}
              data-x={times[i]}
              data-total={totals[i]}
              style={{
                left: pct(percentOf(times[i], domain)),
                width: pct(barWidth),
                height: pct(percentOf(totals[i], [0, yMax])),
              }}
            >
              {labels.map((l) => {
                const n = p.bands[l] ?? 0;
                if (n === 0) return null;
                return (
                  <span
                    key={l}
                    class={`band-seg ${segmentClass(l)}`}
                    data-band={l}
                    data-count={n}
                    title={`${names[l] ?? l}: ${n} on ${dayMonth(times[i])}`}
                    style={{ height: pct((n / totals[i]) * 100) }}
                  />
                );
              })}
            </div>
          ))}
        </div>
        <div class="tchart-y" aria-hidden="true">
          {yTicks.map((t) => (
            <span key={t.value} style={{ top: pct(100 - percentOf(t.value, [0, yMax])) }}>
              {t.label}
            </span>
          ))}
        </div>
        <div class="tchart-x" aria-hidden="true">
          {points.map((p, i) =>
            dated.has(i)
              ? (
                <span
                  key={p.at}
                  data-tick={times[i]}
                  style={{ left: pct(percentOf(times[i], domain)) }}
                >
                  {dayMonth(times[i])}
                </span>
              )
              : null
          )}
        </div>
      </div>
      <ul class="legend" aria-label="Bands">
        {[...labels].reverse().map((l) => (
          <li key={l}>
            <span class={`swatch ${segmentClass(l)}`} aria-hidden="true" />
            {names[l] ?? l}
          </li>
        ))}
      </ul>
    </div>
  );
}
