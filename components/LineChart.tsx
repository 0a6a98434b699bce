/**
 * A frappe-charts line chart inside an island. The container is rendered empty (on the server and
 * in the browser alike) and Preact never renders children into it: the chart is created once after
 * mount, changed through the library's update(), and destroyed on unmount.
 */
import { useEffect, useRef } from "preact/hooks";
import {
  chartData,
  type ChartOptions,
  createLineChart,
  type FrappeChart,
} from "../lib/ui/chart.ts";

export interface LineChartProps extends ChartOptions {
  testId?: string;
}

export function LineChart({ testId, ...options }: LineChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<FrappeChart | null>(null);
  const latest = useRef(options);
  latest.current = options;
  const key = JSON.stringify([options.labels, options.series]);

  useEffect(() => {
    let alive = true;
    const node = el.current!;
    createLineChart(node, latest.current).then((created) => {
      if (!alive) return created.destroy();
      chart.current = created;
      node.dataset.chartState = "drawn";
    });
    return () => {
      alive = false;
      chart.current?.destroy();
      chart.current = null;
      node.replaceChildren();
    };
  }, []);

  useEffect(() => {
    chart.current?.update(chartData(latest.current));
  }, [key]);

  return (
    <div
      ref={el}
      class="chart"
      data-chart="line"
      data-testid={testId}
      data-points={options.labels.length}
    />
  );
}
