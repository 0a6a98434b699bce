/**
 * Attaching legacy rows to their learner: transcripts and scorecards stored while the session's
 * learner was unknown (`analytics.unattached_*`) move to `session_transcripts` / `scorecards`
 * once it is known (completion, backfill, import). They keep their id and api_id. When the learner
 * already has a transcript or scorecard for the session, that one stays (first write wins) and the
 * unattached copy is dropped.
 */
import type { Queryable } from "../db/mod.ts";
import type { SessionClaim } from "./owners.ts";

export interface Attached {
  /** Sessions whose transcript moved to the learner. */
  transcripts: string[];
  /** Sessions whose scorecard moved to the learner. */
  scorecards: string[];
}

/** Moves the unattached transcripts and scorecards of the sessions to their learners (one statement). */
export async function attachSessions(tx: Queryable, claims: SessionClaim[]): Promise<Attached> {
  const attached: Attached = { transcripts: [], scorecards: [] };
  if (claims.length === 0) return attached;
  const ids = claims.map((c) => c.session_id.toLowerCase());
  const users = claims.map((c) => c.user_id.toLowerCase());
  // Most sessions have nothing waiting: a look at the two small reference tables settles it
  // (on Citus, on the node at hand) without the moving statement below.
  const [{ waiting }] = await tx<{ waiting: boolean }[]>`
    select exists (select 1 from analytics.unattached_transcripts
                   where session_id = any(${ids}::uuid[]))
        or exists (select 1 from analytics.unattached_scorecards
                   where session_id = any(${ids}::uuid[])) as waiting`;
  if (!waiting) return attached;
  const rows = await tx<{ kind: "transcript" | "scorecard"; session_id: string }[]>`
    with claims as (
      select * from unnest(${ids}::uuid[], ${users}::uuid[]) as c(session_id, user_id)
    ), moved_transcripts as (
      delete from analytics.unattached_transcripts u using claims c
      where u.session_id = c.session_id
      returning u.id, u.api_id, c.user_id, u.session_id, u.transcript_lines, u.transcript_json,
                u.created_at, u.updated_at
    ), transcripts as (
      insert into analytics.session_transcripts
        (id, api_id, user_id, session_id, transcript_lines, transcript_json, created_at, updated_at)
      select id, api_id, user_id, session_id, transcript_lines, transcript_json, created_at,
             updated_at
      from moved_transcripts
      on conflict (user_id, session_id) do nothing
      returning session_id
    ), moved_scorecards as (
      delete from analytics.unattached_scorecards u using claims c
      where u.session_id = c.session_id
      returning u.id, c.user_id, u.session_id, u.ts, u.bce_score, u.mcf_score, u.cpo_score,
                u.scorecard_json, u.created_at
    ), scorecards as (
      insert into analytics.scorecards
        (id, user_id, session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json, created_at)
      select id, user_id, session_id, ts, bce_score, mcf_score, cpo_score, scorecard_json,
             created_at
      from moved_scorecards
      on conflict (user_id, session_id) do nothing
      returning session_id
    )
    select 'transcript' as kind, session_id from transcripts
    union all
    select 'scorecard' as kind, session_id from scorecards`;
  for (const r of rows) {
    (r.kind === "transcript" ? attached.transcripts : attached.scorecards).push(r.session_id);
  }
  return attached;
}
