/**
 * "Why did my score change": the change since the previous snapshot, split by component (only
 * rendered when there is a change to explain).
 */
import type { WhyChanged as Why } from "../../lib/readiness/mod.ts";
import type { Voice } from "../../lib/readiness/text.ts";
import { signedPoints } from "../../lib/ui/format.ts";

export function WhyChanged({ why, voice }: { why: Why; voice: Voice }) {
  return (
    <section class="card" aria-labelledby="why-title" data-testid="why-changed">
      <h2 id="why-title">Why did {voice.staff ? voice.your : "my"} score change?</h2>
      <p data-testid="why-text">{why.text}</p>
      <div class="table-scroll" tabIndex={0}>
        <table>
          <caption class="visually-hidden">Change by component</caption>
          <thead>
            <tr>
              <th scope="col">Component</th>
              <th scope="col">Before</th>
              <th scope="col">Now</th>
              <th scope="col">Effect</th>
            </tr>
          </thead>
          <tbody>
            {why.parts.map((p) => (
              <tr key={p.component} data-component={p.component}>
                <th scope="row">{p.label}</th>
                <td>{p.before ?? "–"}</td>
                <td>{p.after ?? "–"}</td>
                <td data-testid="contribution" data-value={p.contribution}>
                  {signedPoints(p.contribution)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted">
        Each component moves the score by its value times its weight.
        {why.rounding !== 0 &&
          ` Rounding accounts for ${signedPoints(why.rounding)}.`}
        {why.formula_changed && " The formula changed between these snapshots."}
      </p>
    </section>
  );
}
