/**
 * Per-session scores of one skill over the learner's last sessions, with a skill picker: the house
 * TimeChart (x proportional to time, like the readiness trend) and the numbers as a table.
 */
import { useComputed, useSignal } from "@preact/signals";
import { DataTable } from "../components/DataTable.tsx";
import { TimeChart } from "../components/TimeChart.tsx";
import { count } from "../lib/ui/format.ts";
import { dayMonthYear, timeDomain, timeTicks } from "../lib/ui/time_axis.ts";

export interface SkillTrendProps {
  skills: {
    tag: string;
    label: string;
    points: { session_id: string; ts: string; score: number }[];
  }[];
  initial: string;
  sessions: number;
  /** The reader's time zone (the server printed the same). */
  timeZone: string;
}

const Y_TICKS = [0, 20, 40, 60, 80, 100].map((v) => ({ value: v, label: String(v) }));

export default function SkillTrend({ skills, initial, sessions, timeZone }: SkillTrendProps) {
  const selected = useSignal(initial);
  const skill = useComputed(() => skills.find((s) => s.tag === selected.value) ?? skills[0]);
  const points = skill.value?.points ?? [];
  const times = points.map((p) => Date.parse(p.ts));
  const domain = timeDomain(times.length ? times : [0]);
  const day = (ms: number) => dayMonthYear(ms, timeZone);

  return (
    <section class="card" aria-labelledby="skill-trend-title">
      <div class="card-head">
        <h2 id="skill-trend-title">Skill trend</h2>
        <label class="inline-field">
          <span>Skill</span>
          <select
            value={selected.value}
            onChange={(e) => (selected.value = (e.target as HTMLSelectElement).value)}
          >
            {skills.map((s) => <option key={s.tag} value={s.tag}>{s.label}</option>)}
          </select>
        </label>
      </div>
      {points.length === 0
        ? <p class="empty">No scores for this skill yet.</p>
        : (
          <figure class="chart-figure">
            <figcaption class="chart-title" data-testid="skill-chart-title">
              {skill.value.label}: score per session{" "}
              <span class="muted">
                ({count(points.length, "session")} of the last {sessions} with this skill)
              </span>
            </figcaption>
            <TimeChart
              testId="skill-chart"
              label={`${skill.value.label}: score per session, ${
                count(points.length, "session")
              }, from ${points[0].score} to ${points[points.length - 1].score}`}
              points={points.map((p, i) => ({
                x: times[i],
                y: p.score,
                title: `${day(times[i])}: ${p.score}`,
                key: p.session_id,
              }))}
              xDomain={domain}
              xTicks={timeTicks(domain, timeZone)}
              yTicks={Y_TICKS}
              color="#0f8a6a"
            />
            <p class="axis-label x">Session date (spaced by time)</p>
            <DataTable
              caption={`${skill.value.label}: score per session`}
              columns={["Session date", "Score"]}
              rows={points.map((p, i) => [
                <time key="t" dateTime={p.ts}>{day(times[i])}</time>,
                p.score,
              ])}
            />
          </figure>
        )}
    </section>
  );
}
