/**
 * The backtest form and its result: a candidate readiness config (JSON) posted with the page's
 * filters; the current and the candidate formula's figures side by side, recomputed as of each
 * outcome, and the AUC difference with its 95 % interval. A plain form: it works without script.
 */
import type { Backtest, ValidityReport } from "../../lib/validity/mod.ts";
import {
  aucSentence,
  percent,
  percentInterval,
  pointsChange,
  twoDecimals,
} from "../../lib/ui/validity_format.ts";

export interface ValidityBacktestProps {
  /** Where the form posts (the page with its filters). */
  action: string;
  /** The config text in the textarea (the current config, or what was posted). */
  configText: string;
  result: Backtest | null;
  /** What is wrong with the posted config, each naming its field. */
  problems: string[];
  /** The figures "too few to judge" needs per class. */
  minimum: number;
}

/** The AUC difference in words: "+2.1 percentage points (95 % interval −1.0 to +5.2)". */
function differenceText(d: Backtest["auc_difference"]): string {
  if (d.value === null) {
    return "No AUC difference: it needs both passed and failed outcomes judged under both formulas.";
  }
  const ci = d.ci95
    ? ` (95\u00a0% interval ${pointsChange(d.ci95[0])} to ${pointsChange(d.ci95[1])})`
    : " (too few outcomes for an interval)";
  return `AUC of the candidate − AUC of the current formula: ${
    pointsChange(d.value)
  } percentage points${ci}, on ${d.paired} outcomes judged under both.`;
}

function rows(r: ValidityReport): [string, string][] {
  return [
    ["Formula version", r.by_formula_version[0]?.formula_version ?? "–"],
    ["Outcomes judged", `${r.paired} (${r.passed} passed, ${r.failed} failed)`],
    ["Without enough evidence", String(r.unpaired)],
    [
      "AUC",
      r.auc.value === null ? "–" : `${percent(r.auc.value)} (${percentInterval(r.auc.ci95)})`,
    ],
    ...r.bands.map((b): [string, string] => [
      `Pass rate, ${b.band}`,
      b.pass_rate === null
        ? "no outcomes"
        : `${percent(b.pass_rate)} of ${b.outcomes} (${percentInterval(b.ci95)})`,
    ]),
    ["Pass probability at 40", percent(r.calibration.predicted["40"])],
    ["Pass probability at 70", percent(r.calibration.predicted["70"])],
    ["Pass probability at 85", percent(r.calibration.predicted["85"])],
    ["Brier score", twoDecimals(r.calibration.brier)],
    ["Enough to judge", r.too_few_to_judge ? "too few to judge" : "yes"],
  ];
}

export function ValidityBacktest(props: ValidityBacktestProps) {
  const { result, problems } = props;
  // One row per figure of either report (a candidate may name its bands differently).
  const current = new Map(result ? rows(result.current) : []);
  const candidate = new Map(result ? rows(result.candidate) : []);
  const names = [...new Set([...current.keys(), ...candidate.keys()])];
  return (
    <section class="card" id="backtest" aria-labelledby="backtest-title">
      <h2 id="backtest-title">Backtest a formula before switching</h2>
      <p class="muted">
        Recomputes each learner's readiness as of each interview under the current formula and under
        the candidate below, for the outcomes of the filters above, and compares how well each told
        passes from failures. Nothing is saved.
      </p>
      <form method="post" action={props.action} data-testid="backtest-form">
        <label for="backtest-config">
          <span>Candidate readiness config (JSON, the shape of config/readiness.json)</span>
        </label>
        <textarea
          id="backtest-config"
          class="config"
          name="config"
          spellcheck={false}
          aria-describedby={problems.length ? "backtest-problems" : undefined}
          aria-invalid={problems.length ? "true" : undefined}
        >
          {props.configText}
        </textarea>
        <p>
          <button type="submit">Run the backtest</button>
        </p>
      </form>
      {problems.length > 0 && (
        <div class="error" role="alert" id="backtest-problems" data-testid="backtest-problems">
          <p>The candidate config is not valid:</p>
          <ul>
            {problems.map((p) => <li key={p}>{p}</li>)}
          </ul>
        </div>
      )}
      {result && (
        <div data-testid="backtest-result">
          <p
            class="focus-sentence"
            data-testid="auc-difference"
            data-value={result.auc_difference.value ?? ""}
            data-lo={result.auc_difference.ci95?.[0] ?? ""}
            data-hi={result.auc_difference.ci95?.[1] ?? ""}
          >
            {differenceText(result.auc_difference)}
          </p>
          <p>Current: {aucSentence(result.current.auc)}</p>
          <p>Candidate: {aucSentence(result.candidate.auc)}</p>
          {(result.current.too_few_to_judge || result.candidate.too_few_to_judge) && (
            <p class="notice flag">
              Too few to judge: fewer than {props.minimum}{" "}
              passed or failed outcomes. The difference is shown, but a few more outcomes could
              change it a lot.
            </p>
          )}
          <div class="table-scroll unbounded" tabIndex={0}>
            <table class="side-by-side" data-testid="backtest-table">
              <caption>Current and candidate formula side by side</caption>
              <thead>
                <tr>
                  <th scope="col">Figure</th>
                  <th scope="col">Current</th>
                  <th scope="col">Candidate</th>
                </tr>
              </thead>
              <tbody>
                {names.map((name) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td data-side="current">{current.get(name) ?? "–"}</td>
                    <td data-side="candidate">{candidate.get(name) ?? "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
