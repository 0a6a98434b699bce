/**
 * frappe-charts in the browser, loaded on first use (it needs a DOM and injects its own CSS).
 *
 * The chart library owns every node inside its container; Preact renders the container empty and
 * never renders into it. Animation is off: frappe-charts animates an update by swapping its SVG
 * for an animated copy for 250 ms, and a resize in that window (its own window and
 * ResizeObserver handlers redraw by removing the SVG it believes is in place) throws
 * "removeChild … not a child of this node".
 */

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

/** The part of a frappe-charts instance the app uses. */
export interface FrappeChart {
  update(data: unknown): void;
  destroy(): void;
}

/** The data object frappe-charts takes for `options`. */
export function chartData(options: ChartOptions) {
  return {
    labels: options.labels,
    datasets: options.series.map((s) => ({ name: s.name, values: s.values.map((v) => v ?? 0) })),
    // Scores live on 0–100: a marker at 100 keeps the axis from zooming into small changes.
    yMarkers: [{ label: "", value: 100, options: { labelPos: "left" } }],
  };
}

/** Creates a line chart in `el` (which must be empty and owned by the chart from now on). */
export async function createLineChart(
  el: HTMLElement,
  options: ChartOptions,
): Promise<FrappeChart> {
  const { Chart } = await import("frappe-charts");
  const data = chartData(options);
  const chart = new Chart(el, {
    type: "line",
    height: options.height ?? 240,
    colors: options.colors ?? ["#2f6fde"],
    data,
    animate: 0,
    axisOptions: { xIsSeries: true, xAxisMode: "tick", yAxisMode: "span" },
    lineOptions: { dotSize: 5, regionFill: 1 },
  }) as FrappeChart;
  // The library first draws zeros and fills in the data 700 ms later; show the data at once.
  chart.update(data);
  return chart;
}
