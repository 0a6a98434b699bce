/** Admin: time to readiness between two thresholds by level, as numbers and a Kaplan–Meier chart. */
import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { LineChart } from "../components/LineChart.tsx";

interface CohortResult {
  learners: { reached_from: number; reached_to: number; not_yet_reached: number };
  reached_only: { description: string; median_days: number | null; mean_days: number | null };
  kaplan_meier: {
    description: string;
    median_days: number | null;
    curve: { days: number; not_yet_reached: number }[];
  };
}

export interface CohortViewProps {
  levels: string[];
  from: number;
  to: number;
}

/** A 0–100 number input bound to a signal. */
function ScoreField({ label, value }: { label: string; value: Signal<number> }) {
  return (
    <label>
      <span>{label}</span>
      <input
        type="number"
        min={0}
        max={100}
        value={value.value}
        onInput={(e) => (value.value = Number((e.target as HTMLInputElement).value))}
      />
    </label>
  );
}

/** The KM estimate as a step function: each drop is drawn at its day, from the previous level. */
export function kaplanMeierSteps(curve: { days: number; not_yet_reached: number }[]) {
  const percent = (share: number) => Math.round(share * 1000) / 10;
  return curve.flatMap((p, i) => {
    const point = { days: p.days, percent: percent(p.not_yet_reached) };
    const previous = curve[i - 1];
    return previous && previous.not_yet_reached !== p.not_yet_reached
      ? [{ days: p.days, percent: percent(previous.not_yet_reached) }, point]
      : [point];
  });
}

const days = (v: number | null) => (v === null ? "–" : `${Math.round(v * 10) / 10} d`);

export default function CohortView({ levels, from: initialFrom, to: initialTo }: CohortViewProps) {
  const from = useSignal(initialFrom);
  const to = useSignal(initialTo);
  const level = useSignal("");
  const busy = useSignal(false);
  const result = useSignal<CohortResult | null>(null);
  const error = useSignal<string | null>(null);

  async function load() {
    busy.value = true;
    error.value = null;
    try {
      const q = new URLSearchParams({ from: String(from.value), to: String(to.value) });
      if (level.value) q.set("level", level.value);
      const res = await fetch(`/api/cohorts/time-to-readiness?${q}`, {
        credentials: "same-origin",
      });
      const json = await res.json();
      if (!res.ok) {
        error.value = json?.error?.message ?? `Failed (${res.status})`;
        result.value = null;
      } else result.value = json;
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      busy.value = false;
    }
  }

  useEffect(() => {
    load();
  }, []);

  const r = result.value;
  const steps = kaplanMeierSteps(r?.kaplan_meier.curve ?? []);
  return (
    <section class="card" aria-labelledby="cohort-title" aria-busy={busy.value}>
      <h2 id="cohort-title">Time to readiness</h2>
      <form
        class="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          load();
        }}
      >
        <ScoreField label="From readiness" value={from} />
        <ScoreField label="To readiness" value={to} />
        <label>
          <span>Level</span>
          <select
            value={level.value}
            onChange={(e) => (level.value = (e.target as HTMLSelectElement).value)}
          >
            <option value="">All levels</option>
            {levels.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <button type="submit" disabled={busy.value}>Show</button>
      </form>
      {error.value && <p class="error" role="alert">{error.value}</p>}
      {r && (
        <div data-testid="cohort-result">
          <dl class="stat-list">
            <div>
              <dt>Reached {from.value}</dt>
              <dd>{r.learners.reached_from}</dd>
            </div>
            <div>
              <dt>Then reached {to.value}</dt>
              <dd>{r.learners.reached_to}</dd>
            </div>
            <div>
              <dt>Not yet (censored)</dt>
              <dd>{r.learners.not_yet_reached}</dd>
            </div>
            <div>
              <dt>Median, reached only</dt>
              <dd>{days(r.reached_only.median_days)}</dd>
            </div>
            <div>
              <dt>Mean, reached only</dt>
              <dd>{days(r.reached_only.mean_days)}</dd>
            </div>
            <div>
              <dt>Median, Kaplan–Meier</dt>
              <dd>{days(r.kaplan_meier.median_days)}</dd>
            </div>
          </dl>
          <p class="muted">{r.kaplan_meier.description}</p>
          {r.kaplan_meier.curve.length > 0 && (
            <figure class="chart-figure">
              <p class="chart-title">Share not yet at {to.value} (Kaplan–Meier)</p>
              <p class="axis-label y">Learners not yet at {to.value} (%)</p>
              <LineChart
                testId="km-chart"
                // frappe-charts needs distinct labels: the level just before a drop is marked "<".
                labels={steps.map((p, i) =>
                  `${steps[i + 1]?.days === p.days ? "<" : ""}${Math.round(p.days)}d`
                )}
                series={[{ name: "Not yet reached (%)", values: steps.map((p) => p.percent) }]}
                colors={["#8a5300"]}
                height={200}
              />
              <figcaption class="axis-label x">
                Days since first reaching {from.value} {'("<60d": just before day 60)'}
              </figcaption>
            </figure>
          )}
        </div>
      )}
    </section>
  );
}
