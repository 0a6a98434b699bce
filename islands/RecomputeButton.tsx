/** Admin: recompute one learner from their row, with the new readiness shown in place. */
import { useSignal } from "@preact/signals";

export interface RecomputeButtonProps {
  userId: string;
  label: string;
}

export default function RecomputeButton({ userId, label }: RecomputeButtonProps) {
  const busy = useSignal(false);
  const message = useSignal<string | null>(null);

  async function run() {
    busy.value = true;
    message.value = null;
    try {
      const res = await fetch("/api/admin/recompute-readiness", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user_id: userId }),
        credentials: "same-origin",
      });
      const json = await res.json();
      // Recompute writes a snapshot only when something changed; say which it was.
      const figure = `${json.snapshot?.overall ?? "–"} (${json.snapshot?.band ?? "no snapshot"})`;
      message.value = res.ok
        ? (json.snapshots > 0 ? `Now ${figure}` : `Unchanged: ${figure}`)
        : json?.error?.message ?? `Failed (${res.status})`;
    } catch (e) {
      message.value = (e as Error).message;
    } finally {
      busy.value = false;
    }
  }

  return (
    <span class="row-action">
      <button
        type="button"
        class="secondary small"
        disabled={busy.value}
        aria-label={`Recompute ${label}`}
        data-action="recompute-row"
        onClick={run}
      >
        {busy.value ? "Recomputing…" : "Recompute"}
      </button>
      <span role="status" class="muted" data-testid="row-status">{message.value}</span>
    </span>
  );
}
