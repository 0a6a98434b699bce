/** "Why did my score change": the change since the previous snapshot, split by component. */
import type { WhyChanged as Why } from "../../lib/readiness/mod.ts";
import { signedPoints } from "../../lib/ui/format.ts";

export function WhyChanged({ why }: { why: Why | null }) {
  return (
    <section class="card" aria-labelledby="why-title" data-testid="why-changed">
      <h2 id="why-title">Why did my score change?</h2>
      {!why
        ? (
          <p class="empty">
            This appears after your second scored snapshot: it compares each snapshot with the one
            before.
          </p>
        )
        : (
          <>
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
              Each component moves your score by its value times its weight.
              {why.rounding !== 0 &&
                ` Rounding accounts for ${signedPoints(why.rounding)}.`}
              {why.formula_changed && " The formula changed between these snapshots."}
            </p>
          </>
        )}
    </section>
  );
}
