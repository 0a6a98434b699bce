/** What people call a learner on screen; names come from the caller (PULSE owns names, not this app). */

/** A learner's display name by user id, or null when the app is not told one. */
export type NameOf = (userId: string) => string | null;

/**
 * What people call a learner on screen: the name `nameOf` knows when there is one, else a short
 * label from the profile ("Senior backend learner") with 4 characters of the id to tell two apart.
 */
export function learnerLabel(
  l: { user_id: string; level?: string | null; track?: string | null },
  nameOf: NameOf,
): string {
  const name = nameOf(l.user_id);
  if (name) return name;
  const what = [l.level, l.track].filter(Boolean).join(" ");
  const head = what ? `${what[0].toUpperCase()}${what.slice(1)} learner` : "Learner";
  return `${head} ${l.user_id.slice(0, 4)}`;
}
