/**
 * All six skills with their readiness-window averages and evidence, grouped under components; one
 * line for a component without answers, one message when there are none at all.
 */
import type { DashboardData, SkillEvidence } from "../../lib/readiness/mod.ts";
import type { Voice } from "../../lib/readiness/text.ts";
import { count, personScore } from "../../lib/ui/format.ts";

/** "a", "a or b", "a, b or c". */
function orList(words: string[]): string {
  return words.length < 2
    ? words.join("")
    : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

export function SkillsBreakdown(
  { components, skills, window, voice, thresholds }: {
    components: DashboardData["components"];
    skills: SkillEvidence[];
    window: string;
    voice: Voice;
    thresholds: number[];
  },
) {
  const any = skills.some((s) => s.answers > 0);
  return (
    <section class="card" aria-labelledby="breakdown-title">
      <h2 id="breakdown-title">Skills</h2>
      {!any
        ? (
          <p class="empty" data-testid="skills-empty">
            No scored answers yet in {voice.their} {window}.
          </p>
        )
        : (
          <p class="muted">
            Average of {voice.your} answers in {voice.their}{" "}
            {window}; the number of answers and sessions behind it.
          </p>
        )}
      {any && components.map((c) => {
        const mine = skills.filter((s) => s.component === c.component);
        const empty = mine.every((s) => s.answers === 0);
        return (
          <div class="component-group" key={c.component} data-component={c.component}>
            <h3>
              {c.label}{" "}
              <span
                class="component-value"
                data-testid={`component-${c.component}`}
                data-value={c.value ?? ""}
              >
                {c.value === null ? "–" : personScore(c.value, thresholds)}
              </span>
            </h3>
            {empty
              ? (
                <p class="muted" data-testid="component-empty">
                  No answers yet on {orList(mine.map((s) => s.label.toLowerCase()))}.
                </p>
              )
              : (
                <ul class="bars">
                  {mine.map((s) => (
                    <li
                      key={s.skill_tag}
                      class={s.avg_score === null ? "bar-row missing" : "bar-row"}
                      data-skill={s.skill_tag}
                    >
                      <span class="bar-label">{s.label}</span>
                      <span
                        class="bar-track"
                        role="meter"
                        aria-label={s.label}
                        aria-valuemin={0}
                        aria-valuemax={100}
                        aria-valuenow={s.avg_score ?? 0}
                        aria-valuetext={s.avg_score === null
                          ? "no answers yet"
                          : `${personScore(s.avg_score, thresholds)} of 100`}
                      >
                        <span class="bar-fill" style={{ width: `${s.avg_score ?? 0}%` }} />
                      </span>
                      <span
                        class="bar-value"
                        data-testid="skill-avg"
                        data-value={s.avg_score ?? ""}
                      >
                        {s.avg_score === null ? "–" : personScore(s.avg_score, thresholds)}
                      </span>
                      <span class="bar-evidence muted" data-testid="skill-evidence">
                        {s.answers === 0
                          ? "no answers yet"
                          : `${count(s.answers, "answer")} · ${count(s.sessions, "session")}`}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
          </div>
        );
      })}
    </section>
  );
}
