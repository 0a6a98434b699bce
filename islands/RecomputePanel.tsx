/** Admin: recompute readiness for one learner or everyone, with a busy state and the result. */
import { useSignal } from "@preact/signals";

interface RecomputeResult {
  learners: number;
  snapshots: number;
  /** Learners computed whose readiness had not changed (nothing written for them). */
  unchanged?: number;
  batches: number;
  duration_ms: number;
  snapshot?: { overall: number | null; band: string; delta: number | null };
}

export interface RecomputePanelProps {
  /** Learner id to prefill (e.g. from the list). */
  userId?: string;
  /** How many learners "all" means: those with scored answers (shown in the confirmation). */
  learnerCount: number;
}

export default function RecomputePanel({ userId = "", learnerCount }: RecomputePanelProps) {
  const target = useSignal(userId);
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const result = useSignal<RecomputeResult | null>(null);
  const error = useSignal<string | null>(null);

  async function run(scope: "one" | "all") {
    busy.value = true;
    error.value = null;
    result.value = null;
    try {
      const body = scope === "one" ? { user_id: target.value.trim() } : {};
      const res = await fetch("/api/admin/recompute-readiness", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        credentials: "same-origin",
      });
      const json = await res.json();
      if (!res.ok) error.value = json?.error?.message ?? `Failed (${res.status})`;
      else result.value = json;
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      busy.value = false;
    }
  }

  return (
    <section class="card" aria-labelledby="recompute-title" aria-busy={busy.value}>
      <h2 id="recompute-title">Recompute readiness</h2>
      <form
        class="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          run("one");
        }}
      >
        <label>
          <span>Learner id</span>
          <input
            name="user_id"
            value={target.value}
            onInput={(e) => (target.value = (e.target as HTMLInputElement).value)}
            placeholder="uuid"
            class="wide-input"
          />
        </label>
        <button type="submit" disabled={busy.value || target.value.trim() === ""}>
          Recompute learner
        </button>
        {!confirming.value && (
          <button
            type="button"
            class="secondary"
            disabled={busy.value}
            onClick={() => (confirming.value = true)}
            data-action="recompute-all"
          >
            Recompute all learners…
          </button>
        )}
      </form>
      {confirming.value && (
        <div class="confirm" role="group" aria-labelledby="confirm-all-text">
          <p id="confirm-all-text">
            Recompute readiness for all {learnerCount}{" "}
            learners with scored answers? Those with new evidence are scored again; a snapshot is
            written only where their readiness changed.
          </p>
          <button
            type="button"
            data-action="confirm-recompute-all"
            onClick={() => {
              confirming.value = false;
              run("all");
            }}
          >
            Yes, recompute all {learnerCount}
          </button>{" "}
          <button
            type="button"
            class="secondary"
            data-action="cancel-recompute-all"
            onClick={() => (confirming.value = false)}
          >
            Cancel
          </button>
        </div>
      )}
      <div role="status" aria-live="polite" data-testid="recompute-status">
        {busy.value && <p>Recomputing…</p>}
        {error.value && <p class="error">{error.value}</p>}
        {result.value && (
          <dl class="stat-list" data-testid="recompute-result">
            <div>
              <dt>Learners</dt>
              <dd data-field="learners">{result.value.learners}</dd>
            </div>
            <div>
              <dt>Snapshots written</dt>
              <dd data-field="snapshots">{result.value.snapshots}</dd>
            </div>
            <div>
              <dt>Unchanged</dt>
              <dd data-field="unchanged">{result.value.unchanged ?? 0}</dd>
            </div>
            <div>
              <dt>Batches</dt>
              <dd>{result.value.batches}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd data-field="duration">{Math.round(result.value.duration_ms)} ms</dd>
            </div>
            {result.value.snapshot && (
              <div>
                <dt>New readiness</dt>
                <dd>
                  {result.value.snapshot.overall === null ? "–" : result.value.snapshot.overall}
                  {" "}
                  <span class="muted">{result.value.snapshot.band}</span>
                </dd>
              </div>
            )}
          </dl>
        )}
      </div>
    </section>
  );
}
