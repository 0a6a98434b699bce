/** Time to readiness between two thresholds by level, as one median and a Kaplan–Meier chart. */
import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { DataTable } from "../components/DataTable.tsx";
import { type ChartPoint, TimeChart } from "../components/TimeChart.tsx";
import { wholeDays } from "../lib/ui/format.ts";
import { numberTicks } from "../lib/ui/time_axis.ts";

interface KmStep {
  days: number;
  at_risk: number;
  reached: number;
  censored: number;
  not_yet_reached: number;
}

export interface CohortResult {
  learners: { reached_from: number; reached_to: number; not_yet_reached: number };
  kaplan_meier: { median_days: number | null; curve: KmStep[] };
}

export interface CohortViewProps {
  levels: string[];
  from: number;
  to: number;
  /** Level asked first ("" or absent: every level). */
  level?: string;
  /** The answer for the first question, when the page has it already (no fetch on load). */
  initial?: CohortResult | null;
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

/** Share as a percentage with at most one decimal (exact for the shares the estimate produces). */
export function percent(share: number): number {
  return Number((share * 100).toFixed(1));
}

/**
 * The Kaplan–Meier estimate as chart points of a step function: 100 % at day 0, then the level
 * after each day with learners reaching the target; censored learners as marks on the curve.
 */
export function kaplanMeierPoints(curve: KmStep[]): { points: ChartPoint[]; marks: ChartPoint[] } {
  const points: ChartPoint[] = [{ x: 0, y: 100, title: "day 0: 100%", key: "start" }];
  const marks: ChartPoint[] = [];
  let level = 100;
  for (const s of curve) {
    if (s.reached > 0) {
      level = percent(s.not_yet_reached);
      points.push({ x: s.days, y: level, title: `day ${s.days}: ${level}%`, key: `d${s.days}` });
    }
    if (s.censored > 0) {
      marks.push({
        x: s.days,
        y: level,
        title: `${s.censored} still on the way at day ${s.days}`,
        key: `c${s.days}`,
      });
    }
  }
  return { points, marks };
}

/** One median, in words a coach can repeat. */
export function medianSentence(
  median: number | null,
  from: number,
  to: number,
  learners: CohortResult["learners"],
): string {
  if (learners.reached_from === 0) return `No learner has reached ${from} yet.`;
  if (median === null) {
    return `Fewer than half of the ${learners.reached_from} learners who reached ${from} have ` +
      `reached ${to} so far, so the median is not known yet.`;
  }
  return `Half of the learners who reach ${from} get to ${to} within ${wholeDays(median)}. This ` +
    `counts the ${learners.not_yet_reached} still on the way for as long as we have watched them ` +
    `(Kaplan–Meier), so slow learners are not left out.`;
}

export default function CohortView(
  { levels, from: initialFrom, to: initialTo, level: initialLevel = "", initial = null }:
    CohortViewProps,
) {
  const from = useSignal(initialFrom);
  const to = useSignal(initialTo);
  const level = useSignal(initialLevel);
  const busy = useSignal(initial === null);
  const result = useSignal<CohortResult | null>(initial);
  const asked = useSignal({ from: initialFrom, to: initialTo });
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
      } else {
        asked.value = { from: from.value, to: to.value };
        result.value = json;
      }
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      busy.value = false;
    }
  }

  useEffect(() => {
    if (initial === null) load();
  }, []);

  const r = result.value;
  const km = r ? kaplanMeierPoints(r.kaplan_meier.curve) : null;
  const maxDays = r ? Math.max(1, ...r.kaplan_meier.curve.map((s) => s.days)) : 1;
  const a = asked.value;
  return (
    <section class="card" aria-labelledby="cohort-title" aria-busy={busy.value}>
      <h2 id="cohort-title">Time to readiness</h2>
      <p class="muted">
        Every learner of the level, over all their history: the period, track and cohort filters do
        not apply here.
      </p>
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
      {busy.value && !r && <p class="muted">Loading…</p>}
      {error.value && <p class="error" role="alert">{error.value}</p>}
      {r && km && (
        <div data-testid="cohort-result">
          <dl class="stat-list">
            <div>
              <dt>Reached {a.from}</dt>
              <dd>{r.learners.reached_from}</dd>
            </div>
            <div>
              <dt>Then reached {a.to}</dt>
              <dd>{r.learners.reached_to}</dd>
            </div>
            <div>
              <dt>Still on the way</dt>
              <dd>{r.learners.not_yet_reached}</dd>
            </div>
            <div>
              <dt>Median time</dt>
              <dd data-testid="km-median">
                {r.kaplan_meier.median_days === null
                  ? "not yet known"
                  : wholeDays(r.kaplan_meier.median_days)}
              </dd>
            </div>
          </dl>
          <p data-testid="median-sentence">
            {medianSentence(r.kaplan_meier.median_days, a.from, a.to, r.learners)}
          </p>
          {r.learners.reached_from > 0 && (
            <figure class="chart-figure">
              <figcaption class="chart-title">
                Share of learners not yet at {a.to}, by days since they first reached {a.from}{" "}
                <span class="muted">(+ : a learner still on the way, last seen that day)</span>
              </figcaption>
              <TimeChart
                testId="km-chart"
                label={`Kaplan–Meier curve: from 100% at day 0 down to ${
                  km.points[km.points.length - 1].y
                }% at day ${km.points[km.points.length - 1].x}`}
                points={km.points}
                marks={km.marks}
                step
                xDomain={[0, maxDays]}
                xTicks={numberTicks(maxDays)}
                yTicks={[0, 25, 50, 75, 100].map((v) => ({ value: v, label: `${v}%` }))}
                lines={[{ value: 50, label: "half" }]}
                color="#8a5300"
              />
              <p class="axis-label x">Days since first reaching {a.from}</p>
              <DataTable
                caption="Kaplan–Meier estimate"
                columns={["Day", "At risk", "Reached", "Still on the way (censored)", "Not yet"]}
                rows={[
                  ["0", r.learners.reached_from, 0, 0, "100%"],
                  ...r.kaplan_meier.curve.map((s) => [
                    String(s.days),
                    s.at_risk,
                    s.reached,
                    s.censored,
                    `${percent(s.not_yet_reached)}%`,
                  ]),
                ]}
              />
            </figure>
          )}
        </div>
      )}
    </section>
  );
}
