/**
 * What to do next, in the reader's words: where the learner is and the points to the next band,
 * one next step from the coaching rubric, the skills that stay low (most urgent first, dated),
 * acknowledgement in the top band, and what evidence is still missing.
 */
import type { Coaching, Guidance } from "../../lib/readiness/mod.ts";
import type { Voice } from "../../lib/readiness/text.ts";
import { personScore } from "../../lib/ui/format.ts";

export function CoachingFocus(
  { coaching, voice, thresholds }: {
    coaching: Coaching & Guidance;
    voice: Voice;
    thresholds: number[];
  },
) {
  const c = coaching;
  // Without a score the headline already says what is missing; the list would repeat it.
  const missing = c.latest ? c.missing : [];
  return (
    <section class="card" aria-labelledby="focus-title">
      <h2 id="focus-title">{voice.staff ? `Next step for ${voice.You}` : "Your next step"}</h2>
      <p class="focus-sentence" data-testid="coaching-headline">
        {c.latest ? c.headline : c.missing[0] ?? c.headline}
      </p>
      {c.acknowledgement && (
        <p class="acknowledgement" data-testid="acknowledgement">{c.acknowledgement}</p>
      )}
      {c.next_step && (
        <div class="next-step" data-testid="next-step" data-skill={c.next_step.skill_tag}>
          <p>
            <strong>Focus: {c.next_step.label}</strong>{" "}
            <span class="muted">
              ({voice.your} average {personScore(c.next_step.score, thresholds)})
            </span>
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
      {missing.length > 0 && (
        <>
          <h3>Still missing</h3>
          <ul data-testid="missing">
            {missing.map((m) => <li key={m}>{m}</li>)}
          </ul>
        </>
      )}
    </section>
  );
}
