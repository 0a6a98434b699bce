/** Helpers for tests that hold one transaction open while another runs (server only). */
import type { Sql } from "../lib/db/mod.ts";

/** Waits until some session of this database waits for a lock; false after 10 s. */
export async function someoneWaitsForALock(sql: Sql): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const [{ waiting }] = await sql<{ waiting: number }[]>`
      select count(*)::int as waiting from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`;
    if (waiting > 0) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** A promise (`opened`) that the test resolves when it chooses (`open`). */
export function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}
