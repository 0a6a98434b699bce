/**
 * What to do next, for the learner: where they are and the points to the next band, one next step
 * from the coaching rubric, the skills that stay low (most urgent first, dated), acknowledgement
 * in the top band, and what evidence is still missing.
 */
import type { Coaching, Guidance } from "../../lib/readiness/mod.ts";

export function CoachingFocus({ coaching }: { coaching: Coaching & Guidance }) {
  const c = coaching;
  return (
    <section class="card" aria-labelledby="focus-title">
      <h2 id="focus-title">Your next step</h2>
      <p class="focus-sentence" data-testid="coaching-headline">{c.headline}</p>
      {c.acknowledgement && (
        <p class="acknowledgement" data-testid="acknowledgement">{c.acknowledgement}</p>
      )}
      {c.next_step && (
        <div class="next-step" data-testid="next-step" data-skill={c.next_step.skill_tag}>
          <p>
            <strong>Focus: {c.next_step.label}</strong>{" "}
            <span class="muted">(your average {c.next_step.score})</span>
          </p>
          <p>{c.next_step.text}</p>
        </div>
      )}
      {c.low_skills.length > 0 && (
        <>
          <h3>Skills that have stayed low</h3>
          <ol class="low-skills" data-testid="low-skills">
            {c.low_skills.map((s) => <li key={s.skill_tag} data-skill={s.skill_tag}>{s.text}</li>)}
          </ol>
          <p class="muted">Most urgent first (lowest average of those sessions).</p>
        </>
      )}
      {c.missing.length > 0 && (
        <>
          <h3>Still missing</h3>
          <ul data-testid="missing">
            {c.missing.map((m) => <li key={m}>{m}</li>)}
          </ul>
        </>
      )}
    </section>
  );
}
