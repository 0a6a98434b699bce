/** Per-session scores of one skill over the learner's last sessions, with a skill picker. */
import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { drawLineChart, shortDate } from "../lib/ui/chart.ts";

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
  const chartRef = useRef<HTMLDivElement>(null);
  // Until the chart is drawn in the browser, the numbers show as a list (server HTML, no JS).
  const mounted = useSignal(false);
  useEffect(() => {
    mounted.value = true;
  }, []);

  useEffect(() => {
    const s = skill.value;
    if (!chartRef.current || !s || s.points.length === 0) return;
    drawLineChart(chartRef.current, {
      labels: s.points.map((p) => shortDate(p.ts)),
      series: [{ name: s.label, values: s.points.map((p) => p.score) }],
      colors: ["#0f8a6a"],
      height: 220,
    });
  }, [skill.value]);

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
            <div
              ref={chartRef}
              class="chart"
              data-testid="skill-chart"
              data-points={skill.value.points.length}
            />
            {!mounted.value && (
              <ol class="chart-fallback">
                {skill.value.points.map((p) => (
                  <li key={p.session_id}>
                    <time dateTime={p.ts}>{shortDate(p.ts)}</time>: {Math.round(p.score)}
                  </li>
                ))}
              </ol>
            )}
            <figcaption class="axis-label x">
              Session date (last {sessions} sessions with this skill)
            </figcaption>
          </figure>
        )}
    </section>
  );
}
