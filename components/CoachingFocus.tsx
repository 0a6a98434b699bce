/** The coaching focus in one sentence, with the skills that have stayed low. */
import type { Coaching } from "../lib/readiness/mod.ts";

export function CoachingFocus({ coaching }: { coaching: Coaching }) {
  return (
    <section class="card" aria-labelledby="focus-title">
      <h2 id="focus-title">Coaching focus</h2>
      <p class="focus-sentence" data-testid="coaching-message">{coaching.message}</p>
      {coaching.persistently_low.length > 0 && (
        <>
          <p class="muted">Stayed low ({coaching.low_skill_rule.description}):</p>
          <ul>
            {coaching.persistently_low.map((s) => (
              <li key={s.skill_tag}>
                <strong>{s.label}</strong>: {s.sessions.map((p) => Math.round(p.score)).join(", ")}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
