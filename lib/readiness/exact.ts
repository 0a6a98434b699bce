/**
 * Exact rational arithmetic on BigInt for the readiness formula: scores are decimals, averages are
 * fractions of them, and the published figures are rounded once, half away from zero, to 2 places
 * (as Postgres `numeric` rounds). No binary floating point touches a score on the way.
 */

/** An exact fraction n/d with d > 0, kept reduced. */
export class Exact {
  readonly n: bigint;
  readonly d: bigint;

  private constructor(n: bigint, d: bigint) {
    if (d === 0n) throw new RangeError("division by zero");
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    this.n = g > 1n ? n / g : n;
    this.d = g > 1n ? d / g : d;
  }

  static readonly ZERO = new Exact(0n, 1n);

  /**
   * The exact value of a decimal: a string such as "69.995" or "-1e-3", a bigint, or a JS number
   * read as the shortest decimal that prints it (0.3 is 3/10, not the binary double nearest it).
   */
  static of(value: string | number | bigint | Exact): Exact {
    if (value instanceof Exact) return value;
    if (typeof value === "bigint") return new Exact(value, 1n);
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
      // Weights, thresholds and counts come back again and again: each is read once.
      let known = NUMBERS.get(value);
      if (known === undefined) {
        known = Exact.parse(String(value));
        if (NUMBERS.size >= NUMBERS_KEPT) NUMBERS.clear();
        NUMBERS.set(value, known);
      }
      return known;
    }
    return Exact.parse(value.trim());
  }

  private static parse(text: string): Exact {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new RangeError(`not a decimal: ${text}`);
    const [, sign, int, frac = "", exp = "0"] = m;
    let n = BigInt((int || "0") + frac);
    let d = 10n ** BigInt(frac.length);
    const e = Number(exp);
    if (e > 0) n *= 10n ** BigInt(e);
    if (e < 0) d *= 10n ** BigInt(-e);
    return new Exact(sign === "-" ? -n : n, d);
  }

  /** n / d of two integers (e.g. a sum of scores over a count), exactly. */
  static ratio(n: Exact | string | number, d: Exact | string | number): Exact {
    return Exact.of(n).div(Exact.of(d));
  }

  plus(other: Exact | string | number): Exact {
    const o = Exact.of(other);
    return new Exact(this.n * o.d + o.n * this.d, this.d * o.d);
  }

  minus(other: Exact | string | number): Exact {
    const o = Exact.of(other);
    return new Exact(this.n * o.d - o.n * this.d, this.d * o.d);
  }

  times(other: Exact | string | number): Exact {
    const o = Exact.of(other);
    return new Exact(this.n * o.n, this.d * o.d);
  }

  div(other: Exact | string | number): Exact {
    const o = Exact.of(other);
    return new Exact(this.n * o.d, this.d * o.n);
  }

  /** -1, 0 or 1 as this is below, equal to or above `other`. */
  cmp(other: Exact | string | number): -1 | 0 | 1 {
    const o = Exact.of(other);
    const diff = this.n * o.d - o.n * this.d;
    return diff < 0n ? -1 : diff > 0n ? 1 : 0;
  }

  lt(other: Exact | string | number): boolean {
    return this.cmp(other) < 0;
  }

  gte(other: Exact | string | number): boolean {
    return this.cmp(other) >= 0;
  }

  /** Rounded once to `places` decimals, half away from zero, as a fixed-point string ("70.00"). */
  toFixed(places = 2): string {
    const scale = 10n ** BigInt(places);
    const negative = this.n < 0n;
    const abs = negative ? -this.n : this.n;
    // round(|x| · scale) half up, on integers: floor((2·|n|·scale + d) / (2·d)).
    const scaled = (2n * abs * scale + this.d) / (2n * this.d);
    const int = scaled / scale;
    const frac = (scaled % scale).toString().padStart(places, "0");
    const body = places > 0 ? `${int}.${frac}` : `${int}`;
    return negative && scaled !== 0n ? `-${body}` : body;
  }

  /** Rounded once to 2 decimals (half away from zero), as a JS number: exact for these magnitudes. */
  round2(): number {
    return Number(this.toFixed(2));
  }

  /** Exact decimal text when the fraction terminates, else `digits` decimals (for meta, logs). */
  toString(digits = 12): string {
    let d = this.d;
    let places = 0;
    while (d % 10n === 0n) {
      d /= 10n;
      places++;
    }
    while (d % 2n === 0n || d % 5n === 0n) {
      d = d % 2n === 0n ? d / 2n : d / 5n;
      places++;
    }
    if (d === 1n) return this.toFixed(places).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
    return this.toFixed(digits);
  }
}

/** Exact values of JS numbers already read (immutable, so shared), at most NUMBERS_KEPT. */
const NUMBERS = new Map<number, Exact>();
const NUMBERS_KEPT = 4096;

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Rounds a decimal value once to 2 places, half away from zero (as numeric(5,2) stores it). */
export function round2(value: string | number | Exact): number {
  return Exact.of(value).round2();
}
