/** frappe-charts in the browser, loaded on first use (it needs a DOM and injects its own CSS). */

export interface LineSeries {
  name: string;
  values: (number | null)[];
}

export interface ChartOptions {
  labels: string[];
  series: LineSeries[];
  colors?: string[];
  height?: number;
}

interface FrappeChart {
  update(data: unknown): void;
  destroy?: () => void;
}

// One chart per element: later draws update it in place (frappe animates and owns its DOM).
const charts = new WeakMap<HTMLElement, { chart: FrappeChart; type: string }>();

function chartData(options: ChartOptions) {
  return {
    labels: options.labels,
    datasets: options.series.map((s) => ({ name: s.name, values: s.values.map((v) => v ?? 0) })),
    // Scores live on 0–100: a marker at 100 keeps the axis from zooming into small changes.
    yMarkers: [{ label: "", value: 100, options: { labelPos: "left" } }],
  };
}

async function draw(el: HTMLElement, type: "line" | "bar", options: ChartOptions, height: number) {
  const existing = charts.get(el);
  if (existing && existing.type === type) {
    existing.chart.update(chartData(options));
    return;
  }
  const { Chart } = await import("frappe-charts");
  const chart = new Chart(el, {
    type,
    height: options.height ?? height,
    colors: options.colors ?? ["#2f6fde"],
    data: chartData(options),
    axisOptions: { xIsSeries: true, xAxisMode: "tick", yAxisMode: "span" },
    lineOptions: { dotSize: 5, regionFill: 1 },
  }) as FrappeChart;
  charts.set(el, { chart, type });
}

/** Draws a line chart into `el`, or updates the one drawn there before. */
export function drawLineChart(el: HTMLElement, options: ChartOptions): Promise<void> {
  return draw(el, "line", options, 240);
}

/** Short date for chart axes, e.g. "12 Oct". */
export function shortDate(iso: string): string {
  return new Date(iso).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}
