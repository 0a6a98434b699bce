/** What people call a learner on screen: the profile's display name, else a label from the profile. */

/**
 * What people call a learner on screen: their display name when there is one, else a short label
 * from the profile ("Senior backend learner") with 4 characters of the id to tell two apart (the
 * directory's SQL builds the same text).
 */
export function learnerLabel(
  l: {
    user_id: string;
    display_name?: string | null;
    level?: string | null;
    track?: string | null;
  },
): string {
  if (l.display_name) return l.display_name;
  const what = [l.level, l.track].filter(Boolean).join(" ");
  const head = what ? `${what[0].toUpperCase()}${what.slice(1)} learner` : "Learner";
  return `${head} ${l.user_id.slice(0, 4)}`;
}
