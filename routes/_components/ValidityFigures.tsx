/**
 * The validity page's figures: how many outcomes were judged, the AUC in plain words (with the
 * "too few to judge" flag), the pass rate per band with its 95 % Wilson intervals, the reliability
 * chart, the calibration, and the same figures per formula version. Percentages at a person's
 * precision (lib/ui/validity_format.ts); exact values ride along in data-value attributes.
 */
import type { Figures, ValidityReport } from "../../lib/validity/mod.ts";
import { IntervalChart } from "../../components/IntervalChart.tsx";
import { ReliabilityChart } from "../../components/ReliabilityChart.tsx";
import { DataTable } from "../../components/DataTable.tsx";
import {
  aucSentence,
  count,
  percent,
  percentInterval,
  twoDecimals,
} from "../../lib/ui/validity_format.ts";
import { twoPlaces } from "../../lib/ui/cohort_format.ts";

/** "Too few to judge" in words, or null when both classes are large enough. */
export function tooFewText(f: Figures, minimum: number): string | null {
  if (!f.too_few_to_judge) return null;
  return `Too few to judge: the figures need at least ${minimum} passed and ${minimum} failed ` +
    `outcomes, and there ${f.passed === 1 ? "is" : "are"} ${f.passed} passed and ${f.failed} ` +
    `failed. They are shown, but a few more outcomes could change them a lot.`;
}

/** The fitted slope in words: how 10 more readiness points change the odds of passing. */
export function oddsText(slope: number): string {
  const ratio = Math.exp(10 * slope);
  const text = ratio.toFixed(1);
  if (text === "1.0") return "On the fitted curve, readiness hardly changes the odds of passing.";
  return ratio > 1
    ? `On the fitted curve, every 10 readiness points multiply the odds of passing by ${text}.`
    : `On the fitted curve, every 10 readiness points divide the odds of passing by ${
      (1 / ratio).toFixed(1)
    }.`;
}

/** A pass rate with its interval: "45 % (95 % interval 30–61 %)". */
function rateWithInterval(rate: number | null, ci: [number, number] | null): string {
  if (rate === null) return "no outcomes";
  return `${percent(rate)} (95\u00a0% interval ${percentInterval(ci)})`;
}

export function ValiditySummary(
  { report, minimum, method }: { report: ValidityReport; minimum: number; method: string },
) {
  const flag = tooFewText(report, minimum);
  return (
    <section class="card" aria-labelledby="summary-title" data-testid="validity-summary">
      <h2 id="summary-title">Does readiness tell passes from failures?</h2>
      <p data-testid="outcome-counts">
        {count(report.outcomes, "interview outcome")} in the period.{" "}
        <span data-field="paired" data-value={report.paired}>
          {count(report.paired, "was", "were")} judged
        </span>{" "}
        against the learner's readiness on the day ({report.passed} passed, {report.failed} failed);
        {" "}
        <span data-field="unpaired" data-value={report.unpaired}>
          {report.unpaired === 0
            ? "each had a readiness with enough evidence at the time."
            : `${report.unpaired} had no readiness with enough evidence at the time and ${
              report.unpaired === 1 ? "is" : "are"
            } counted apart.`}
        </span>
      </p>
      <p
        class="focus-sentence"
        data-testid="auc-sentence"
        data-value={report.auc.value ?? ""}
        data-lo={report.auc.ci95?.[0] ?? ""}
        data-hi={report.auc.ci95?.[1] ?? ""}
      >
        {aucSentence(report.auc)}
      </p>
      {flag && <p class="notice flag" data-testid="too-few">{flag}</p>}
      <p class="muted">
        This is the AUC (50&nbsp;% is a coin toss, 100&nbsp;% always right), over every pair of one
        passed and one failed outcome ({report.auc.passed} passed × {report.auc.failed}{" "}
        failed); equal readiness counts half. Its interval is{" "}
        {method}'s. It describes the learners whose outcomes were recorded, not all learners, and
        says nothing of why they passed.
      </p>
    </section>
  );
}

export function ValidityBands({ report }: { report: ValidityReport }) {
  const rows = report.bands.map((b) => ({
    key: b.band,
    name: b.band,
    value: b.pass_rate,
    ci95: b.ci95,
    text: b.pass_rate === null ? "no outcomes" : `${percent(b.pass_rate)} of ${b.outcomes}`,
  }));
  const described = report.bands.filter((b) => b.pass_rate !== null)
    .map((b) => `${b.band} ${rateWithInterval(b.pass_rate, b.ci95)}`).join("; ");
  return (
    <section class="card" aria-labelledby="bands-title">
      <h2 id="bands-title">Pass rate by readiness band</h2>
      <figure class="chart-figure">
        <figcaption class="chart-title">
          Share of interviews passed, by the band of the learner's readiness on the day; the
          whiskers are the 95&nbsp;% interval
        </figcaption>
        <IntervalChart
          testId="bands-chart"
          rows={rows}
          label={`Pass rate by band with 95 % intervals. ${described || "No outcomes."}`}
        />
      </figure>
      <div class="table-scroll unbounded" tabIndex={0}>
        <table class="figures" data-testid="bands-table">
          <caption class="visually-hidden">Pass rate by readiness band</caption>
          <thead>
            <tr>
              <th scope="col">Band</th>
              <th scope="col" class="num">Outcomes</th>
              <th scope="col" class="num">Passed</th>
              <th scope="col" class="num">Pass rate</th>
              <th scope="col" class="num">95&nbsp;% interval</th>
            </tr>
          </thead>
          <tbody>
            {report.bands.map((b) => (
              <tr key={b.band} data-band={b.band}>
                <th scope="row">{b.band}</th>
                <td class="num" data-label="Outcomes" data-field="outcomes">{b.outcomes}</td>
                <td class="num" data-label="Passed" data-field="passed">{b.passed}</td>
                <td
                  class="num"
                  data-label="Pass rate"
                  data-field="pass_rate"
                  data-value={b.pass_rate ?? ""}
                >
                  {b.pass_rate === null ? "no outcomes" : percent(b.pass_rate)}
                </td>
                <td
                  class="num"
                  data-label="95 % interval"
                  data-field="ci95"
                  data-lo={b.ci95?.[0] ?? ""}
                  data-hi={b.ci95?.[1] ?? ""}
                >
                  {percentInterval(b.ci95)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted">
        Wilson score intervals: with few outcomes in a band its interval is wide, and the rate alone
        says little.
      </p>
    </section>
  );
}

export function ValidityCalibration({ report }: { report: ValidityReport }) {
  const cal = report.calibration;
  const filled = cal.reliability.filter((r) =>
    r.n > 0 && r.mean_predicted !== null &&
    r.observed !== null
  );
  const points = filled.map((r) => ({
    key: String(r.from),
    predicted: r.mean_predicted as number,
    observed: r.observed as number,
    n: r.n,
    name: `readiness ${r.from}–${r.to}`,
  }));
  const described = filled.map((r) =>
    `readiness ${r.from}–${r.to}: predicted ${percent(r.mean_predicted)}, observed ${
      percent(r.observed)
    } of ${r.n}`
  ).join("; ");
  return (
    <section class="card" aria-labelledby="calibration-title">
      <h2 id="calibration-title">Calibration: predicted against observed</h2>
      {cal.slope === null
        ? (
          <p class="empty" data-testid="no-fit">
            No pass probability can be fitted: it needs both passed and failed outcomes at different
            readiness.
          </p>
        )
        : (
          <>
            <p>
              A logistic curve fitted to the outcomes turns readiness into a pass probability.
            </p>
            <dl class="stat-list" data-testid="calibration">
              {(["40", "70", "85"] as const).map((at) => (
                <div key={at} data-field={`predicted-${at}`} data-value={cal.predicted[at] ?? ""}>
                  <dt>Pass probability at readiness {at}</dt>
                  <dd>{percent(cal.predicted[at])}</dd>
                </div>
              ))}
              <div data-field="brier" data-value={cal.brier ?? ""}>
                <dt>Brier score (lower is better)</dt>
                <dd>{twoDecimals(cal.brier)}</dd>
              </div>
            </dl>
            <p class="muted">
              The Brier score is the mean squared difference between the fitted probability and what
              happened (1 passed, 0 failed). Predicting the overall pass rate for everyone would
              score {twoDecimals(cal.brier_base_rate)}. {oddsText(cal.slope)}
            </p>
          </>
        )}
      <figure class="chart-figure">
        <figcaption class="chart-title">
          Reliability by readiness decile: mean fitted pass probability against the share that
          passed; on the dashed diagonal they agree
        </figcaption>
        {points.length > 0
          ? (
            <ReliabilityChart
              testId="reliability-chart"
              points={points}
              xTitle="Predicted pass probability"
              yTitle="Observed pass rate"
              label={`Reliability chart with the diagonal. ${described}.`}
            />
          )
          : <p class="empty">No decile has a fitted probability to show.</p>}
        <DataTable
          caption="Reliability by readiness decile"
          testId="reliability-table"
          columns={["Readiness", "Outcomes", "Mean readiness", "Predicted", "Observed"]}
          rows={cal.reliability.map((r) => [
            `${r.from}–${r.to}`,
            r.n,
            twoPlaces(r.mean_readiness),
            <span key="p" data-value={r.mean_predicted ?? ""}>{percent(r.mean_predicted)}</span>,
            <span key="o" data-value={r.observed ?? ""}>{percent(r.observed)}</span>,
          ])}
        />
      </figure>
    </section>
  );
}

export function ValidityVersions({ report }: { report: ValidityReport }) {
  return (
    <section class="card" aria-labelledby="versions-title">
      <h2 id="versions-title">By formula version</h2>
      {report.by_formula_version.length === 0
        ? <p class="empty">No judged outcomes.</p>
        : (
          <div class="table-scroll unbounded" tabIndex={0}>
            <table class="figures" data-testid="versions-table">
              <caption class="visually-hidden">
                The figures per formula version of the readiness the outcomes were judged by
              </caption>
              <thead>
                <tr>
                  <th scope="col">Formula version</th>
                  <th scope="col" class="num">Judged</th>
                  <th scope="col" class="num">Passed</th>
                  <th scope="col" class="num">Failed</th>
                  <th scope="col" class="lift">AUC (95&nbsp;% interval)</th>
                  <th scope="col" class="num">Brier</th>
                  <th scope="col">Enough to judge</th>
                </tr>
              </thead>
              <tbody>
                {report.by_formula_version.map((v) => (
                  <tr key={v.formula_version ?? ""} data-version={v.formula_version ?? ""}>
                    <th scope="row">{v.formula_version ?? "not recorded"}</th>
                    <td class="num" data-label="Judged">{v.paired}</td>
                    <td class="num" data-label="Passed">{v.passed}</td>
                    <td class="num" data-label="Failed">{v.failed}</td>
                    <td
                      class="lift"
                      data-label="AUC"
                      data-field="auc"
                      data-value={v.auc.value ?? ""}
                    >
                      {v.auc.value === null
                        ? "needs both classes"
                        : `${percent(v.auc.value)} (${percentInterval(v.auc.ci95)})`}
                    </td>
                    <td class="num" data-label="Brier">{twoDecimals(v.calibration.brier)}</td>
                    <td data-label="Enough to judge">
                      {v.too_few_to_judge ? "too few to judge" : "yes"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <p class="muted">
        Each outcome counts under the formula version of the snapshot it was judged by.
      </p>
    </section>
  );
}
