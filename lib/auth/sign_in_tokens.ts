/** Single-use sign-in hand-off tokens: a redeemed `jti` is remembered until the token expires. */
import type { Queryable } from "../db/mod.ts";

/**
 * Records `jti` as used; true the first time, false when it was used before (a replay). The unique
 * key decides, so two concurrent redemptions of one link let exactly one through. Expired rows are
 * swept in passing (sign-ins are rare; the sweep is one indexed delete).
 */
export async function redeemSignInToken(
  sql: Queryable,
  jti: string,
  expiresAt: Date,
): Promise<boolean> {
  await sql`delete from analytics.used_sign_in_tokens where expires_at < now() - interval '1 minute'`;
  const rows = await sql`
    insert into analytics.used_sign_in_tokens (jti, expires_at) values (${jti}, ${expiresAt})
    on conflict (jti) do nothing
    returning jti`;
  return rows.length === 1;
}
