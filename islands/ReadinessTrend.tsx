/** Readiness over time: a frappe-charts line chart with a range switch that redraws in place. */
import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { drawLineChart, shortDate } from "../lib/ui/chart.ts";

export interface ReadinessTrendProps {
  /** Snapshots oldest first. */
  points: { ts: string; overall: number | null }[];
}

const RANGES = [
  { key: "10", label: "Last 10", size: 10 },
  { key: "20", label: "Last 20", size: 20 },
  { key: "all", label: "All", size: Infinity },
] as const;

export default function ReadinessTrend({ points }: ReadinessTrendProps) {
  const range = useSignal<(typeof RANGES)[number]["key"]>("10");
  const shown = useComputed(() => {
    const size = RANGES.find((r) => r.key === range.value)!.size;
    const scored = points.filter((p) => p.overall !== null);
    return size === Infinity ? scored : scored.slice(-size);
  });
  const chartRef = useRef<HTMLDivElement>(null);
  // Until the chart is drawn in the browser, the numbers show as a list (server HTML, no JS).
  const mounted = useSignal(false);
  useEffect(() => {
    mounted.value = true;
  }, []);

  useEffect(() => {
    if (!chartRef.current || shown.value.length === 0) return;
    drawLineChart(chartRef.current, {
      labels: shown.value.map((p) => shortDate(p.ts)),
      series: [{ name: "Readiness", values: shown.value.map((p) => p.overall) }],
    });
  }, [shown.value]);

  return (
    <section class="card" aria-labelledby="trend-title">
      <div class="card-head">
        <h2 id="trend-title">Readiness trend</h2>
        <div class="segmented" role="group" aria-label="Range">
          {RANGES.map((r) => (
            <button
              type="button"
              key={r.key}
              aria-pressed={range.value === r.key}
              data-range={r.key}
              onClick={() => (range.value = r.key)}
            >
              {r.label}
            </button>
          ))}
        </div>
      </div>
      {shown.value.length === 0
        ? (
          <p class="empty">
            No readiness snapshots yet. Finish a practice session to see your trend.
          </p>
        )
        : (
          <figure class="chart-figure">
            <p class="chart-title">Readiness over time</p>
            <p class="axis-label y">Readiness (0–100)</p>
            <div
              ref={chartRef}
              class="chart"
              data-testid="readiness-chart"
              data-points={shown.value.length}
            />
            {!mounted.value && (
              <ol class="chart-fallback">
                {shown.value.map((p) => (
                  <li key={p.ts}>
                    <time dateTime={p.ts}>{shortDate(p.ts)}</time>: {Math.round(p.overall ?? 0)}
                  </li>
                ))}
              </ol>
            )}
            <figcaption class="axis-label x">
              Snapshot date (showing {shown.value.length})
            </figcaption>
          </figure>
        )}
    </section>
  );
}
