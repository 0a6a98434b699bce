/** Recently active learners, each linking to their dashboard. */
import { demoName } from "../lib/demo/people.ts";
import type { ActiveLearner } from "../lib/learners/activity.ts";

export function RecentLearners({ learners }: { learners: ActiveLearner[] }) {
  return (
    <section class="card" aria-labelledby="recent-title">
      <h2 id="recent-title">Recently active learners</h2>
      {learners.length === 0
        ? <p class="empty">No learner has practised yet.</p>
        : (
          <div class="chart">
            <table>
              <thead>
                <tr>
                  <th scope="col">Learner</th>
                  <th scope="col">Level</th>
                  <th scope="col">Sessions</th>
                  <th scope="col">Readiness</th>
                  <th scope="col">Last active</th>
                </tr>
              </thead>
              <tbody>
                {learners.map((l) => (
                  <tr key={l.user_id}>
                    <td>
                      <a href={`/learners/${l.user_id}`}>
                        {demoName(l.user_id) ?? l.user_id.slice(0, 8)}
                      </a>
                    </td>
                    <td>{l.level ?? "–"}</td>
                    <td>{l.sessions}</td>
                    <td>
                      {l.readiness_overall === null ? "–" : `${l.readiness_overall} (${l.band})`}
                    </td>
                    <td>
                      <time dateTime={l.last_active.toISOString()}>
                        {l.last_active.toISOString().slice(0, 10)}
                      </time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  );
}
