/**
 * How the readiness wording prints numbers, dates and the reader's voice. No imports: server
 * pages and the islands bundle (through lib/ui/format.ts) both take it.
 */

// ---------------------------------------------------------------------------------------------
// numbers at a person's precision

/** True when `shown` lies on the other side of a threshold than `value`. */
function crosses(value: number, shown: number, thresholds: readonly number[]): boolean {
  return thresholds.some((t) => (value < t) !== (shown < t));
}

/**
 * A score as cards, headlines and sentences print it: whole points, one decimal where the whole
 * number would land on the other side of a threshold (69.6 next to 70 prints "69.6", never "70"),
 * and that decimal cut towards the value when rounding would still cross (69.95 → "69.9").
 * Tables and "show the numbers" print the stored 2 decimals instead.
 */
export function personScore(value: number, thresholds: readonly number[] = []): string {
  const whole = Math.round(value);
  if (!crosses(value, whole, thresholds)) return String(whole);
  const tenths = Math.round(value * 10) / 10;
  if (!crosses(value, tenths, thresholds)) return tenths.toFixed(1);
  const cut = whole > value ? Math.floor(value * 10) / 10 : Math.ceil(value * 10) / 10;
  return cut.toFixed(1);
}

/**
 * The points from `score` to `target` as a sentence prints them: the target minus the score as
 * `personScore` prints it, so the two shown numbers add up (76.42 → "76", "9 points to 85").
 */
export function personGap(score: number, target: number, thresholds: readonly number[]): string {
  const shown = personScore(score, thresholds);
  const decimals = shown.includes(".") ? 1 : 0;
  return (Math.round((target - Number(shown)) * 10) / 10).toFixed(decimals);
}

/**
 * A change in points for a card or a sentence: whole points by default ("+2", "−3", "±0"), or
 * rounded to `decimals` (a breakdown whose parts must visibly add up: "+2.5"); one more decimal
 * when the rounding would hide the change ("+0.4"), the stored 2 decimals below that ("+0.04").
 */
export function personSigned(value: number, decimals = 0): string {
  if (value === 0) return "\u00b10";
  const abs = Math.abs(value);
  const at = (d: number) => Math.round(abs * 10 ** d) / 10 ** d;
  const text = at(decimals) > 0
    ? String(at(decimals))
    : at(decimals + 1) > 0
    ? String(at(decimals + 1))
    : String(abs);
  return `${value > 0 ? "+" : "\u2212"}${text}`;
}

/** "+2.4", "−0.35", "±0" (points, as computed: tables). */
export function signedPoints(value: number): string {
  if (value === 0) return "\u00b10";
  return `${value > 0 ? "+" : "\u2212"}${Math.abs(value)}`;
}

/** "1 snapshot", "3 snapshots" (`plural` for irregular words). */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}

/** Whole days for a sentence: "1 day", "71 days" (from 71.23). */
export function wholeDays(days: number): string {
  return count(Math.round(days), "day");
}

// ---------------------------------------------------------------------------------------------
// dates in the reader's time zone

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const formats = new Map<string, Intl.DateTimeFormat>();

/** The calendar fields of `ms` in `timeZone` (numeric parts only: no locale month names). */
export function zonedParts(
  ms: number,
  timeZone = "UTC",
): { year: number; month: number; day: number; hour: number; minute: number } {
  if (timeZone === "UTC") {
    // The same fields without Intl (a few microseconds a call: every kept coaching read dates its
    // projection), for the years Intl writes as plain numbers.
    const d = new Date(ms);
    const year = d.getUTCFullYear();
    if (year >= 1 && year <= 9999) {
      return {
        year,
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
      };
    }
  }
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      hourCycle: "h23",
    });
    formats.set(timeZone, f);
  }
  const p = Object.fromEntries(
    f.formatToParts(new Date(ms)).filter((x) => x.type !== "literal").map((
      x,
    ) => [x.type, +x.value]),
  );
  return { year: p.year, month: p.month, day: p.day, hour: p.hour % 24, minute: p.minute };
}

/** `name` when it is a time zone this runtime knows ("Asia/Kolkata"), else null. */
export function validTimeZone(name: string | null | undefined): string | null {
  if (!name || name.length > 64) return null;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: name });
    return name;
  } catch {
    return null;
  }
}

const msOf = (t: string | number) => typeof t === "number" ? t : Date.parse(t);

/** "6 Dec" in `timeZone`. */
export function dayMonth(t: string | number, timeZone = "UTC"): string {
  const p = zonedParts(msOf(t), timeZone);
  return `${p.day} ${MONTHS[p.month - 1]}`;
}

/** "6 Dec 2026" in `timeZone`: the one date format of the pages and sentences. */
export function longDate(t: string | number, timeZone = "UTC"): string {
  const p = zonedParts(msOf(t), timeZone);
  return `${p.day} ${MONTHS[p.month - 1]} ${p.year}`;
}

/** "6 Dec 2026, 14:05" in `timeZone`. */
export function dateTime(t: string | number, timeZone = "UTC"): string {
  const p = zonedParts(msOf(t), timeZone);
  const hm = `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
  return `${longDate(t, timeZone)}, ${hm}`;
}

/** Start of the calendar day containing `ms` in `timeZone` (ms). */
export function startOfDay(ms: number, timeZone = "UTC"): number {
  const p = zonedParts(ms, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day);
  // The zone's offset at that wall time (twice: a day can start beside a clock change).
  let t = wall;
  for (let i = 0; i < 2; i++) {
    const q = zonedParts(t, timeZone);
    const offset = Date.UTC(q.year, q.month - 1, q.day, q.hour, q.minute) - t;
    t = wall - offset;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// the reader's voice

/** Who reads a sentence: the learner (second person) or staff (third person, the learner's name). */
export type Audience = "learner" | "staff";

export interface Reader {
  audience: Audience;
  /** What staff call the learner (lib/learners/label.ts); unused for the learner. */
  name: string;
  /** IANA time zone the dates are printed in. */
  timeZone: string;
}

export const LEARNER_READER: Reader = { audience: "learner", name: "", timeZone: "UTC" };

/** The words a sentence needs for its reader: "you" / "Maya", "your" / "Maya's", verb forms. */
export interface Voice {
  staff: boolean;
  /** Subject at the start of a sentence: "You" / "Maya". */
  You: string;
  /** Subject inside a sentence: "you" / "Maya". */
  you: string;
  /** "You're" / "Maya is". */
  YouAre: string;
  /** "you are" / "Maya is". */
  youAre: string;
  /** "Your" / "Maya's". */
  Your: string;
  /** "your" / "Maya's". */
  your: string;
  /** Object pronoun after the name was said once: "you" / "them". */
  them: string;
  /** Possessive after the name was said once: "your" / "their". */
  their: string;
  /** A verb in the present: verb("reach") → "reach" / "reaches". */
  verb(base: string): string;
}

/** The voice for `reader`. */
export function voiceOf(reader: Pick<Reader, "audience" | "name">): Voice {
  if (reader.audience === "learner") {
    return {
      staff: false,
      You: "You",
      you: "you",
      YouAre: "You're",
      youAre: "you are",
      Your: "Your",
      your: "your",
      them: "you",
      their: "your",
      verb: (b) => b,
    };
  }
  const name = reader.name || "The learner";
  const inner = reader.name || "the learner";
  const poss = (n: string) => `${n}'s`;
  return {
    staff: true,
    You: name,
    you: inner,
    YouAre: `${name} is`,
    youAre: `${inner} is`,
    Your: poss(name),
    your: poss(inner),
    them: "them",
    their: "their",
    verb: (b) =>
      b === "have"
        ? "has"
        : /(s|sh|ch|x|z)$/.test(b)
        ? `${b}es`
        : /[^aeiou]y$/.test(b)
        ? `${b.slice(0, -1)}ies`
        : `${b}s`,
  };
}
