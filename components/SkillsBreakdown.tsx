/** Current readiness components as labelled bars; components without evidence say so. */
import type { DashboardData } from "../lib/ui/dashboard_data.ts";

export function SkillsBreakdown({ components }: { components: DashboardData["components"] }) {
  return (
    <section class="card" aria-labelledby="breakdown-title">
      <h2 id="breakdown-title">Skills breakdown</h2>
      <ul class="bars">
        {components.map((c) => (
          <li
            key={c.component}
            class={c.value === null ? "bar-row missing" : "bar-row"}
            data-component={c.component}
          >
            <span>{c.label}</span>
            <span
              class="bar-track"
              role="meter"
              aria-label={c.label}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={c.value ?? undefined}
              aria-valuetext={c.value === null
                ? "no evidence yet"
                : `${Math.round(c.value)} of 100`}
            >
              <span class="bar-fill" style={{ width: `${c.value ?? 0}%` }} />
            </span>
            <span class="bar-value">
              {c.value === null ? "no evidence yet" : Math.round(c.value)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
