/** Per-session scores of one skill over the learner's last sessions, with a skill picker. */
import { useComputed, useSignal } from "@preact/signals";
import { DataTable } from "../components/DataTable.tsx";
import { LineChart } from "../components/LineChart.tsx";
import { dayMonth, dayMonthYear } from "../lib/ui/time_axis.ts";

export interface SkillTrendProps {
  skills: {
    tag: string;
    label: string;
    points: { session_id: string; ts: string; score: number }[];
  }[];
  initial: string;
  sessions: number;
}

export default function SkillTrend({ skills, initial, sessions }: SkillTrendProps) {
  const selected = useSignal(initial);
  const skill = useComputed(() => skills.find((s) => s.tag === selected.value) ?? skills[0]);

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
      {!skill.value || skill.value.points.length === 0
        ? <p class="empty">No scores for this skill yet.</p>
        : (
          <figure class="chart-figure">
            <p class="chart-title" data-testid="skill-chart-title">
              {skill.value.label}: score per session
            </p>
            <p class="axis-label y">Average score in the session (0–100)</p>
            <LineChart
              testId="skill-chart"
              labels={skill.value.points.map((p) => dayMonth(Date.parse(p.ts)))}
              series={[{ name: skill.value.label, values: skill.value.points.map((p) => p.score) }]}
              colors={["#0f8a6a"]}
              height={220}
            />
            <figcaption class="axis-label x">
              Session (last {sessions} sessions with this skill, one point each, oldest first)
            </figcaption>
            <DataTable
              caption={`${skill.value.label}: score per session`}
              columns={["Session date", "Score"]}
              rows={skill.value.points.map((p) => [
                <time key="t" dateTime={p.ts}>{dayMonthYear(Date.parse(p.ts))}</time>,
                p.score,
              ])}
            />
          </figure>
        )}
    </section>
  );
}
