/** The cohort page's band movement: learners per band over the period, a stacked chart and its numbers. */
import type { BandPoint } from "../../lib/cohorts/mod.ts";
import { BandChart } from "../../components/BandChart.tsx";
import { DataTable } from "../../components/DataTable.tsx";
import { formatCount } from "../../lib/ui/cohort_format.ts";
import { dayMonthYear } from "../../lib/ui/time_axis.ts";

export interface CohortBandsProps {
  points: BandPoint[];
  /** Band labels in stacking order (bottom first), with the names shown for them. */
  bands: { label: string; name: string }[];
  /** "week" or "month": the spacing of the points. */
  bucket: "week" | "month";
  csvHref: string;
}

export function CohortBands({ points, bands, bucket, csvHref }: CohortBandsProps) {
  const labels = bands.map((b) => b.label);
  // Labels found only on older snapshots (no longer configured) are stacked too.
  for (const p of points) {
    for (const l of Object.keys(p.bands)) if (!labels.includes(l)) labels.splice(-1, 0, l);
  }
  const names = Object.fromEntries(bands.map((b) => [b.label, b.name]));
  const first = Date.parse(points[0].at);
  const last = Date.parse(points[points.length - 1].at);
  const every = bucket === "week" ? "every 7 days" : "every 30 days";
  const summary = (p: BandPoint) =>
    labels.filter((l) => p.bands[l]).map((l) => `${names[l] ?? l} ${p.bands[l]}`).join(", ");
  return (
    <section class="card" aria-labelledby="bands-title">
      <div class="card-head">
        <h2 id="bands-title">Bands over time</h2>
        <a href={csvHref} download data-testid="csv-bands">Bands as CSV</a>
      </div>
      <figure class="chart-figure">
        <figcaption class="chart-title">
          Learners per band of their latest readiness, {every} from {dayMonthYear(first)} to{" "}
          {dayMonthYear(last)}
        </figcaption>
        <BandChart
          testId="bands-chart"
          points={points}
          labels={labels}
          names={names}
          label={`Stacked bars of learners per band, ${points.length} points. First: ${
            summary(points[0])
          }. Last: ${summary(points[points.length - 1])}.`}
        />
        <DataTable
          caption="Learners per band"
          testId="bands-table"
          columns={["Date", ...labels.map((l) => names[l] ?? l)]}
          rows={points.map((p) => [
            <time key="t" dateTime={p.at}>{dayMonthYear(Date.parse(p.at))}</time>,
            ...labels.map((l) => formatCount(p.bands[l] ?? 0)),
          ])}
        />
      </figure>
    </section>
  );
}
