/** The cohort page's needs-attention list: each learner with the reasons in words, paged by a link. */
import type { Attention, Reason } from "../../lib/cohorts/mod.ts";
import { dayInWords, listInWords, plural, wholePoints } from "../../lib/ui/cohort_format.ts";

export interface CohortAttentionProps {
  attention: Attention;
  /** Skill labels by tag. */
  skillLabels: Record<string, string>;
  /** The band label of snapshots without enough evidence. */
  insufficientLabel: string;
  /** "1 Dec 2026": the period's end, as of which the reasons hold. */
  asOf: string;
  csvHref: string;
  moreHref: string | null;
  /** Link to the first page when this is a later one. */
  firstHref: string | null;
}

/** One reason in words a coach can repeat ("No practice since 12 Nov; readiness 52"). */
export function reasonText(
  r: Reason,
  ctx: {
    toMs: number;
    skillLabels: Record<string, string>;
    insufficientLabel: string;
    lastN: number;
  },
): string {
  switch (r.code) {
    case "stalled": {
      const since = `No practice since ${dayInWords(Date.parse(r.last_answer_at), ctx.toMs)}`;
      if (r.latest_band === ctx.insufficientLabel) return `${since}; not enough evidence yet`;
      if (r.latest_overall === null) return `${since}; no readiness yet`;
      return `${since}; readiness ${wholePoints(r.latest_overall)}`;
    }
    case "declining": {
      const drop = wholePoints(r.drop);
      return `Down ${drop} ${drop === "1" ? "point" : "points"} from ${
        wholePoints(r.previous_max)
      }`;
    }
    case "persistently_low": {
      const names = r.skills.map((s) => ctx.skillLabels[s] ?? s);
      return `${listInWords(names)} low in ${r.skills.length > 1 ? "each of " : ""}the last ${
        plural(ctx.lastN, "session")
      }`;
    }
  }
}

export function CohortAttention(props: CohortAttentionProps) {
  const { attention, skillLabels, insufficientLabel } = props;
  const ctx = {
    toMs: Date.parse(attention.filters.to),
    skillLabels,
    insufficientLabel,
    lastN: attention.rules.low_skill.sessions,
  };
  const rules = attention.rules;
  return (
    <section class="card" aria-labelledby="attention-title" id="attention">
      <div class="card-head">
        <h2 id="attention-title">Needs attention</h2>
        <a href={props.csvHref} download data-testid="csv-attention">Needs attention as CSV</a>
      </div>
      {attention.learners.length === 0
        ? (
          <p class="empty">
            {props.firstHref
              ? "No more learners."
              : `No learner needs attention as of ${props.asOf}.`}
          </p>
        )
        : (
          <ol class="attention-list" data-testid="attention-list">
            {attention.learners.map((l) => (
              <li key={l.user_id} data-user={l.user_id}>
                <div class="attention-head">
                  <a href={`/learners/${l.user_id}`}>{l.label}</a>
                  <span class="muted">
                    {[l.level, l.track, l.cohort].filter(Boolean).join(" · ")}
                  </span>
                </div>
                <ul class="reasons">
                  {l.reasons.map((r) => (
                    <li key={r.code} data-reason={r.code}>{reasonText(r, ctx)}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
      <p class="muted">
        As of {props.asOf}: no practice in the last {plural(rules.stalled_days, "day")}{" "}
        while readiness is below {rules.stalled_below} or not yet known; readiness{" "}
        {plural(rules.declining_points, "point")} or more below the best of the{" "}
        {plural(rules.declining_lookback, "snapshot")}{" "}
        before; a skill persistently low. Most reasons first, then lowest readiness.
      </p>
      {(props.moreHref || props.firstHref) && (
        <nav class="pager" aria-label="Needs attention pages">
          {props.firstHref && <a href={props.firstHref}>First page</a>}
          {props.moreHref && (
            <a href={props.moreHref} rel="next" data-testid="attention-more">More learners</a>
          )}
        </nav>
      )}
    </section>
  );
}
