/** The cohort page's skills table: participants, first/latest/best averages, the lift with its interval. */
import type { CohortSkills as Skills } from "../../lib/cohorts/mod.ts";
import { formatCount, liftText, plural, twoPlaces } from "../../lib/ui/cohort_format.ts";

export interface CohortSkillsProps {
  skills: Skills;
  csvHref: string;
  /** The period in short words, for the empty message ("between 3 Nov and 1 Dec 2026"). */
  periodWords: string;
}

/** The lift's mean in bold with its interval after it, or why there is none. */
function Lift({ lift }: { lift: Skills["skills"][number]["lift"] }) {
  const text = liftText(lift);
  const at = text.indexOf(" (95");
  if (at < 0) return <span class="muted">{text}</span>;
  return (
    <span>
      <strong>{text.slice(0, at)}</strong> <span class="ci">{text.slice(at + 1)}</span>
    </span>
  );
}

export function CohortSkills({ skills, csvHref, periodWords }: CohortSkillsProps) {
  const rule = skills.low_skill_rule;
  const active = skills.skills.some((s) => s.participants > 0);
  return (
    <section class="card" aria-labelledby="skills-title">
      <div class="card-head">
        <h2 id="skills-title">Skills</h2>
        <a href={csvHref} download data-testid="csv-skills">Skills as CSV</a>
      </div>
      {!active ? <p class="empty">No answers on any skill {periodWords}.</p> : (
        <>
          <div class="table-scroll unbounded" tabIndex={0}>
            <table class="figures" data-testid="skills-table">
              <caption class="visually-hidden">
                Skills of the cohort in the period, averages of per-session scores
              </caption>
              <thead>
                <tr>
                  <th scope="col">Skill</th>
                  <th scope="col" class="num">Participants</th>
                  <th scope="col" class="num">Sessions</th>
                  <th scope="col" class="num">Avg first</th>
                  <th scope="col" class="num">Avg latest</th>
                  <th scope="col" class="num">Avg best</th>
                  <th scope="col" class="lift">Lift, latest − first</th>
                  <th scope="col" class="num">Persistently low</th>
                </tr>
              </thead>
              <tbody>
                {skills.skills.map((s) => (
                  <tr key={s.skill_tag} data-skill={s.skill_tag}>
                    <th scope="row">{s.label}</th>
                    <td class="num" data-label="Participants" data-field="participants">
                      {formatCount(s.participants)}
                    </td>
                    <td class="num" data-label="Sessions">{formatCount(s.sessions)}</td>
                    <td class="num" data-label="Avg first">{twoPlaces(s.avg_first)}</td>
                    <td class="num" data-label="Avg latest">{twoPlaces(s.avg_latest)}</td>
                    <td class="num" data-label="Avg best">{twoPlaces(s.avg_best)}</td>
                    <td class="lift" data-label="Lift" data-field="lift">
                      {s.participants === 0 ? "no participants" : <Lift lift={s.lift} />}
                    </td>
                    <td class="num" data-label="Persistently low">
                      {formatCount(s.persistently_low)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="muted">
            Participants: learners with an answer on the skill in the period. Averages are means
            over participants of their first, latest and best session on the skill. The lift counts
            learners with at least 2 sessions on the skill, with its 95&nbsp;% confidence interval.
            Persistently low: below {rule.threshold} in each of the last{" "}
            {plural(rule.sessions, "session")} on the skill, at the end of the period.
          </p>
        </>
      )}
    </section>
  );
}
