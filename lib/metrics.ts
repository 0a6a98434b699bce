/**
 * Process metrics in the Prometheus text format (version 0.0.4): counters, gauges and histograms
 * with labels, kept in memory. GET /metrics renders them; lib code records what it does.
 */

type Labels = Record<string, string>;

const key = (labels: Labels) =>
  Object.keys(labels).sort().map((k) => `${k}="${escape(labels[k])}"`).join(",");
const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

interface Metric {
  render(): string[];
}

const registry = new Map<string, Metric>();

class Counter implements Metric {
  values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1) {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  render() {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} counter`,
      ...[...this.values].map(([k, v]) => `${this.name}${k ? `{${k}}` : ""} ${v}`),
    ];
  }
}

class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly read: () => { labels?: Labels; value: number }[],
  ) {}
  render() {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      ...this.read().map(({ labels = {}, value }) => {
        const k = key(labels);
        return `${this.name}${k ? `{${k}}` : ""} ${value}`;
      }),
    ];
  }
}

class Histogram implements Metric {
  series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: number[]) {}
  observe(labels: Labels, value: number) {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 });
    this.buckets.forEach((b, i) => value <= b && s.counts[i]++);
    s.sum += value;
    s.count++;
  }
  render() {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const sep = k ? "," : "";
      this.buckets.forEach((b, i) =>
        lines.push(`${this.name}_bucket{${k}${sep}le="${b}"} ${s.counts[i]}`)
      );
      lines.push(`${this.name}_bucket{${k}${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ""} ${s.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ""} ${s.count}`);
    }
    return lines;
  }
}

function register<T extends Metric & { name: string }>(metric: T): T {
  registry.set(metric.name, metric);
  return metric;
}

export const httpRequests = register(
  new Counter("pulse_http_requests_total", "HTTP requests by method, route and status."),
);
export const httpDuration = register(
  new Histogram(
    "pulse_http_request_duration_seconds",
    "HTTP request latency by method, route and status.",
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ),
);
export const recomputeRuns = register(
  new Counter("pulse_recompute_runs_total", "Readiness recomputations (all learners) by trigger."),
);
export const recomputeLearners = register(
  new Counter("pulse_recompute_learners_total", "Learners recomputed by full recomputations."),
);
export const recomputeSnapshots = register(
  new Counter("pulse_recompute_snapshots_total", "Readiness snapshots written by recomputations."),
);
export const readinessRunnerRuns = register(
  new Counter(
    "pulse_readiness_runner_runs_total",
    "Readiness runner runs of this process by outcome (done, skipped: another process was running, failed, stopped).",
  ),
);
export const backfillItems = register(
  new Counter(
    "pulse_backfill_items_total",
    "Transcript backfill items by outcome (inserted, skipped, failed, would_insert).",
  ),
);
export const uncaughtErrors = register(
  new Counter(
    "pulse_uncaught_errors_total",
    "Errors that escaped every handler (driver and network ones survived, others end the process).",
  ),
);

/** Records a finished full recomputation. */
export function recordRecompute(
  result: { learners: number; snapshots: number },
  trigger: string,
): void {
  recomputeRuns.inc({ trigger });
  recomputeLearners.inc({}, result.learners);
  recomputeSnapshots.inc({}, result.snapshots);
}

/** Records a finished backfill run's counts. */
export function recordBackfill(
  summary: { inserted: number; skipped: number; failed: number; wouldInsert: number },
): void {
  backfillItems.inc({ outcome: "inserted" }, summary.inserted);
  backfillItems.inc({ outcome: "skipped" }, summary.skipped);
  backfillItems.inc({ outcome: "failed" }, summary.failed);
  backfillItems.inc({ outcome: "would_insert" }, summary.wouldInsert);
}

/** A gauge read at scrape time from what serves the scrape (e.g. the app's database pool). */
export interface GaugeReading {
  name: string;
  help: string;
  value: number;
}

/** Every registered metric, then `readings`, in the Prometheus text format. */
export function renderMetrics(readings: GaugeReading[] = []): string {
  const gauges = readings.map((r) => new Gauge(r.name, r.help, () => [{ value: r.value }]));
  return [...registry.values(), ...gauges].flatMap((m) => m.render()).join("\n") + "\n";
}
