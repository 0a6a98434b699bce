/** Learners (recently active first, then profiles without sessions), each linking to their page. */
import { Island } from "../../islands/_render.tsx";
import { learnerLabel } from "../../lib/learners/label.ts";
import type { ListedLearner } from "../../lib/learners/list.ts";

export function RecentLearners(
  { learners, recompute = false }: { learners: ListedLearner[]; recompute?: boolean },
) {
  return (
    <section class="card" aria-labelledby="recent-title">
      <h2 id="recent-title">Learners</h2>
      {learners.length === 0
        ? <p class="empty">No learners yet.</p>
        : (
          <div class="table-scroll" tabIndex={0}>
            <table data-testid="learner-table">
              <caption class="visually-hidden">
                Learners, most recently active first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Learner</th>
                  <th scope="col">Level</th>
                  <th scope="col">Sessions</th>
                  <th scope="col">Readiness</th>
                  <th scope="col">Last active</th>
                  {recompute && <th scope="col">Recompute</th>}
                </tr>
              </thead>
              <tbody>
                {learners.map((l) => (
                  <tr key={l.user_id} data-user={l.user_id}>
                    <th scope="row">
                      <a href={`/learners/${l.user_id}`}>{learnerLabel(l)}</a>
                    </th>
                    <td>{l.level ?? "–"}</td>
                    <td>{l.sessions}</td>
                    <td>
                      {l.readiness_overall === null ? "–" : `${l.readiness_overall} (${l.band})`}
                    </td>
                    <td>
                      {l.last_active
                        ? (
                          <time dateTime={l.last_active.toISOString()}>
                            {l.last_active.toISOString().slice(0, 10)}
                          </time>
                        )
                        : "no session yet"}
                    </td>
                    {recompute && (
                      <td>
                        <Island
                          name="RecomputeButton"
                          props={{ userId: l.user_id, label: learnerLabel(l) }}
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  );
}
