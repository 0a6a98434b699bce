/**
 * Number and date formats shared by server components and islands; no server imports, so the
 * islands bundle can take it. Cards and sentences use `personScore` (whole points, one decimal where
 * a threshold would hide); tables print the stored 2 decimals.
 */
import { validTimeZone } from "../readiness/text.ts";

export {
  count,
  dateTime,
  dayMonth,
  longDate,
  personGap,
  personScore,
  personSigned,
  signedPoints,
  startOfDay,
  validTimeZone,
  wholeDays,
} from "../readiness/text.ts";

/** Cookie in which the browser reports its time zone (islands/_hydrate.tsx sets it). */
export const TIME_ZONE_COOKIE = "pulse_tz";

/** The reader's time zone from a Cookie header: the browser's, else UTC (first visit). */
export function timeZoneFromCookies(header: string | null | undefined): string {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === TIME_ZONE_COOKIE) {
      try {
        return validTimeZone(decodeURIComponent(v.join("="))) ?? "UTC";
      } catch {
        return "UTC";
      }
    }
  }
  return "UTC";
}
