/** All six skills with their readiness-window averages and evidence, grouped under components. */
import type { DashboardData, SkillEvidence } from "../../lib/readiness/mod.ts";

export function SkillsBreakdown(
  { components, skills, window }: {
    components: DashboardData["components"];
    skills: SkillEvidence[];
    window: string;
  },
) {
  return (
    <section class="card" aria-labelledby="breakdown-title">
      <h2 id="breakdown-title">Skills</h2>
      <p class="muted">
        Average of your answers in your {window}; the number of answers and sessions behind it.
      </p>
      {components.map((c) => (
        <div class="component-group" key={c.component} data-component={c.component}>
          <h3>
            {c.label}{" "}
            <span class="component-value" data-testid={`component-${c.component}`}>
              {c.value === null ? "no evidence yet" : c.value}
            </span>
          </h3>
          <ul class="bars">
            {skills.filter((s) =>
              s.component === c.component
            ).map((s) => (
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
                  aria-valuetext={s.avg_score === null ? "no answers yet" : `${s.avg_score} of 100`}
                >
                  <span class="bar-fill" style={{ width: `${s.avg_score ?? 0}%` }} />
                </span>
                <span class="bar-value" data-testid="skill-avg">
                  {s.avg_score === null ? "–" : s.avg_score}
                </span>
                <span class="bar-evidence muted" data-testid="skill-evidence">
                  {s.answers === 0
                    ? "no answers yet"
                    : `${s.answers} answer${s.answers === 1 ? "" : "s"} · ${s.sessions} session${
                      s.sessions === 1 ? "" : "s"
                    }`}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
