/** Readiness over time: a frappe-charts line chart with a range switch that redraws in place. */
import { useComputed, useSignal } from "@preact/signals";
import { DataTable } from "../components/DataTable.tsx";
import { LineChart } from "../components/LineChart.tsx";
import { shortDate } from "../lib/ui/chart.ts";

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
            <LineChart
              testId="readiness-chart"
              labels={shown.value.map((p) => shortDate(p.ts))}
              series={[{ name: "Readiness", values: shown.value.map((p) => p.overall) }]}
            />
            <figcaption class="axis-label x">
              Snapshot date (showing {shown.value.length})
            </figcaption>
            <DataTable
              caption="Readiness snapshots"
              columns={["Date", "Readiness"]}
              rows={shown.value.map((p) => [
                <time key="t" dateTime={p.ts}>{shortDate(p.ts)}</time>,
                Math.round(p.overall ?? 0),
              ])}
            />
          </figure>
        )}
    </section>
  );
}
