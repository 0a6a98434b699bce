/** The cohort page's KPI strip: the period's figures with their change against the period before. */
import type { PeriodFigures } from "../../lib/cohorts/mod.ts";
import { countChange, formatCount, meanWithChange } from "../../lib/ui/cohort_format.ts";
import { segmentClass } from "../../components/BandChart.tsx";

export interface CohortKpisProps {
  current: PeriodFigures;
  previous: PeriodFigures;
  /** "previous 28 days". */
  previousName: string;
  /** Band labels in order, with the names shown for them. */
  bands: { label: string; name: string }[];
  csvHref: string;
}

function Kpi(
  { id, title, value, raw, change }: {
    id: string;
    title: string;
    value: string;
    raw: number | null;
    change: string;
  },
) {
  return (
    <div class="kpi" data-kpi={id} data-value={raw ?? ""}>
      <dt>{title}</dt>
      <dd class="kpi-value">{value}</dd>
      <dd class="kpi-change muted">{change}</dd>
    </div>
  );
}

export function CohortKpis(
  { current, previous, previousName, bands, csvHref }: CohortKpisProps,
) {
  const vs = (key: "active_learners" | "sessions" | "answers" | "with_readiness") =>
    `${countChange(current[key], previous[key])} vs ${previousName}`;
  const mean = meanWithChange(current.mean_readiness, previous.mean_readiness);
  const meanChange = current.mean_readiness === null
    ? "no learner has enough evidence yet"
    : previous.mean_readiness === null
    ? `none in the ${previousName}`
    : mean.change === null || (mean.same && mean.change !== "\u00b10")
    ? `about the same as the ${previousName}`
    : `${mean.change} vs ${previousName}`;
  return (
    <section class="card" aria-labelledby="kpi-title">
      <div class="card-head">
        <h2 id="kpi-title">Overview</h2>
        <a href={csvHref} download data-testid="csv-overview">Overview as CSV</a>
      </div>
      <dl class="kpi-strip" data-testid="kpis">
        <Kpi
          id="learners"
          title="Learners"
          value={formatCount(current.learners)}
          raw={current.learners}
          change="profiles matching the filters"
        />
        <Kpi
          id="active_learners"
          title="Active learners"
          value={formatCount(current.active_learners)}
          raw={current.active_learners}
          change={vs("active_learners")}
        />
        <Kpi
          id="sessions"
          title="Sessions"
          value={formatCount(current.sessions)}
          raw={current.sessions}
          change={vs("sessions")}
        />
        <Kpi
          id="answers"
          title="Answers"
          value={formatCount(current.answers)}
          raw={current.answers}
          change={vs("answers")}
        />
        <Kpi
          id="with_readiness"
          title="Learners with readiness"
          value={formatCount(current.with_readiness)}
          raw={current.with_readiness}
          change={vs("with_readiness")}
        />
        <Kpi
          id="mean_readiness"
          title="Mean readiness"
          value={mean.value ?? "\u2013"}
          raw={current.mean_readiness}
          change={meanChange}
        />
      </dl>
      <h3 id="band-counts-title">Bands at the end of the period</h3>
      <ul class="band-counts" aria-labelledby="band-counts-title" data-testid="band-counts">
        {bands.map((b) => {
          const n = current.bands[b.label] ?? 0;
          return (
            <li key={b.label} data-band={b.label} data-count={n}>
              <span class={`swatch ${segmentClass(b.label)}`} aria-hidden="true" />
              <span>{b.name}</span> <strong>{formatCount(n)}</strong>{" "}
              <span class="muted">({countChange(n, previous.bands[b.label] ?? 0)})</span>
            </li>
          );
        })}
      </ul>
      <p class="muted">
        Changes in brackets are against the end of the {previousName}.
      </p>
    </section>
  );
}
