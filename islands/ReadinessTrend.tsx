/**
 * Readiness over time with a range switch: x proportional to time, the band thresholds drawn,
 * the projection (when the history supports it) and the numbers as a table.
 */
import { useComputed, useSignal } from "@preact/signals";
import { DataTable } from "../components/DataTable.tsx";
import { TimeChart } from "../components/TimeChart.tsx";
import { count } from "../lib/ui/format.ts";
import { dayMonthYear, timeDomain, timeTicks } from "../lib/ui/time_axis.ts";

export interface ReadinessTrendProps {
  /** Snapshots oldest first. */
  points: { ts: string; overall: number | null }[];
  /** Band thresholds above 0, e.g. 40 Developing, 70 Nearly Ready, 85 Strong. */
  bands: { min: number; label: string }[];
  projection: { shown: boolean; text: string | null; reason: string | null; rule: string };
  /** The reader's time zone (the server printed the same). */
  timeZone: string;
}

const RANGES = [
  { key: "10", label: "Last 10", size: 10 },
  { key: "20", label: "Last 20", size: 20 },
  { key: "all", label: "All", size: Infinity },
] as const;

export default function ReadinessTrend(
  { points, bands, projection, timeZone }: ReadinessTrendProps,
) {
  const range = useSignal<(typeof RANGES)[number]["key"]>("10");
  const shown = useComputed(() => {
    const size = RANGES.find((r) => r.key === range.value)!.size;
    const scored = points.filter((p) => p.overall !== null);
    return size === Infinity ? scored : scored.slice(-size);
  });
  const list = shown.value;
  const times = list.map((p) => Date.parse(p.ts));
  const domain = timeDomain(times.length ? times : [0]);
  const day = (ms: number) => dayMonthYear(ms, timeZone);

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
      {list.length === 0
        ? (
          <p class="empty">
            No readiness snapshots yet: the trend starts with the first scored session.
          </p>
        )
        : (
          <figure class="chart-figure">
            <figcaption class="chart-title">
              {list.length === 1
                ? `Readiness on ${day(times[0])} `
                : `Readiness from ${day(domain[0])} to ${day(domain[1])} `}
              <span class="muted">
                ({count(list.length, "snapshot")}; dashed lines: band thresholds)
              </span>
            </figcaption>
            <TimeChart
              testId="readiness-chart"
              label={`Readiness over time, ${count(list.length, "snapshot")}, from ${
                list[0].overall
              } to ${list[list.length - 1].overall}`}
              points={list.map((p, i) => ({
                x: times[i],
                y: p.overall!,
                title: `${day(times[i])}: ${p.overall}`,
                key: p.ts,
              }))}
              xDomain={domain}
              xTicks={timeTicks(domain, timeZone)}
              yTicks={[0, ...bands.map((b) => b.min), 100].map((v) => ({
                value: v,
                label: String(v),
              }))}
              lines={bands.map((b) => ({ value: b.min, label: b.label }))}
            />
            <p class="axis-label x">Snapshot date (spaced by time)</p>
            <DataTable
              caption="Readiness snapshots"
              columns={["Date", "Readiness"]}
              rows={list.map((p, i) => [
                <time key="t" dateTime={p.ts}>{day(times[i])}</time>,
                p.overall,
              ])}
            />
          </figure>
        )}
      {points.some((p) => p.overall !== null) && (
        <div class="projection" data-testid="projection" data-shown={projection.shown}>
          <h3>Projection</h3>
          {projection.shown
            ? <p data-testid="projection-text">{projection.text}</p>
            : <p class="muted" data-testid="projection-reason">{projection.reason}</p>}
          <p class="muted">Rule: {projection.rule}.</p>
        </div>
      )}
    </section>
  );
}
