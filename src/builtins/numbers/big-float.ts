import { exactInteger } from '../rego-order.js';

// OPA does non-integer arithmetic on Go big.Float values of 64-bit mantissa (the precision
// SetString picks), rounding half to even after every operation, and prints results with
// Text('g'/'f', -1): the shortest decimal that reads back as the same 64-bit value. This module
// reproduces those values exactly with bigints; `toRego` then turns OPA's printed decimal
// into the nearest double (or an exact integer).

/** m * 2^e, with |m| < 2^prec after rounding; zero is m = 0n. */
export interface BigFloat {
  m: bigint;
  e: number;
  /** Mantissa bits (64 for values parsed from numbers, 53 for big.NewFloat constants). */
  prec: number;
}

export const PREC = 64;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function pow2(k: number): bigint {
  return 1n << BigInt(k);
}

/** Rounds n/d * 2^e (d > 0) to `prec` bits, ties to even. */
export function roundRational(n: bigint, d: bigint, e: number, prec = PREC): BigFloat {
  if (n === 0n) return { m: 0n, e: 0, prec };
  const neg = n < 0n;
  const a = neg ? -n : n;
  // Choose s so that q = floor(a * 2^-s / d) has exactly prec bits.
  let s = bitLength(a) - bitLength(d) - prec;
  let q: bigint;
  let num: bigint;
  let den: bigint;
  for (;;) {
    num = s >= 0 ? a : a << BigInt(-s);
    den = s >= 0 ? d << BigInt(s) : d;
    q = num / den;
    const bits = bitLength(q);
    if (bits > prec) s += 1;
    else if (bits < prec) s -= 1;
    else break;
  }
  const r2 = (num - q * den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  if (bitLength(q) > prec) {
    q >>= 1n;
    s += 1;
  }
  return { m: neg ? -q : q, e: e + s, prec };
}

export function fromBigInt(i: bigint, prec = PREC): BigFloat {
  return roundRational(i, 1n, 0, prec);
}

/** big.Float.SetString of the number's decimal text (JS's shortest spelling of the double). */
export function fromNumber(x: number | bigint): BigFloat {
  if (typeof x === 'bigint') return fromBigInt(x);
  if (Number.isInteger(x)) return fromBigInt(exactInteger(x));
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (m === null) throw new RangeError(`not a finite number: ${x}`);
  const [, minus, whole, frac = '', exp = '0'] = m;
  let n = BigInt(whole! + frac);
  let d = 1n;
  const scale = Number(exp) - frac.length;
  if (scale >= 0) n *= 10n ** BigInt(scale);
  else d = 10n ** BigInt(-scale);
  return roundRational(minus === '-' ? -n : n, d, 0);
}

/** big.Float operations round to the larger precision of their operands. */
export function add(x: BigFloat, y: BigFloat, prec = Math.max(x.prec, y.prec)): BigFloat {
  if (x.m === 0n) return roundRational(y.m, 1n, y.e, prec);
  if (y.m === 0n) return roundRational(x.m, 1n, x.e, prec);
  const e = Math.min(x.e, y.e);
  const n = (x.m << BigInt(x.e - e)) + (y.m << BigInt(y.e - e));
  return roundRational(n, 1n, e, prec);
}

export function neg(x: BigFloat): BigFloat {
  return { m: -x.m, e: x.e, prec: x.prec };
}

export function sub(x: BigFloat, y: BigFloat): BigFloat {
  return add(x, neg(y));
}

export function mul(x: BigFloat, y: BigFloat, prec = Math.max(x.prec, y.prec)): BigFloat {
  return roundRational(x.m * y.m, 1n, x.e + y.e, prec);
}

/** x / y; y must not be zero. */
export function quo(x: BigFloat, y: BigFloat): BigFloat {
  const n = y.m < 0n ? -x.m : x.m;
  const d = y.m < 0n ? -y.m : y.m;
  return roundRational(n, d, x.e - y.e, Math.max(x.prec, y.prec));
}

export function isZero(x: BigFloat): boolean {
  return x.m === 0n;
}

export function isInt(x: BigFloat): boolean {
  if (x.e >= 0 || x.m === 0n) return true;
  return x.m % pow2(-x.e) === 0n;
}

/** big.Float.Int: the integer part, truncated toward zero. */
export function trunc(x: BigFloat): bigint {
  if (x.e >= 0) return x.m << BigInt(x.e);
  return x.m / pow2(-x.e);
}

export function compare(x: BigFloat, y: BigFloat): number {
  const d = sub(x, y).m;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

interface Decimal {
  digits: string;
  /** value = 0.digits * 10^exp */
  exp: number;
}

/** Exact decimal expansion of m * 2^e (m > 0), without trailing zeros. */
function toDecimal(m: bigint, e: number): Decimal {
  let text: string;
  let exp: number;
  if (e >= 0) {
    text = (m << BigInt(e)).toString();
    exp = text.length;
  } else {
    text = (m * 5n ** BigInt(-e)).toString();
    exp = text.length + e;
  }
  return { digits: text.replace(/0+$/, ''), exp };
}

function digitAt(d: Decimal, i: number): string {
  return i < d.digits.length ? d.digits[i]! : '0';
}

function roundDown(d: Decimal, n: number): void {
  if (n < 0 || n >= d.digits.length) return;
  d.digits = d.digits.slice(0, n).replace(/0+$/, '');
}

function roundUp(d: Decimal, n: number): void {
  if (n < 0 || n >= d.digits.length) return;
  while (n > 0 && d.digits[n - 1] === '9') n--;
  if (n === 0) {
    d.digits = '1';
    d.exp += 1;
    return;
  }
  d.digits = d.digits.slice(0, n - 1) + String(Number(d.digits[n - 1]) + 1);
}

function roundNearest(d: Decimal, n: number): void {
  if (n < 0 || n >= d.digits.length) return;
  const c = d.digits[n]!;
  const up = c === '5' && n + 1 === d.digits.length ? n > 0 && Number(d.digits[n - 1]) % 2 === 1 : c >= '5';
  if (up) roundUp(d, n);
  else roundDown(d, n);
}

/** math/big's roundShortest: fewest digits that still identify x at its precision. */
function shortest(x: BigFloat): Decimal {
  const abs = x.m < 0n ? -x.m : x.m;
  const d = toDecimal(abs, x.e);
  const shift = x.prec + 1 - bitLength(abs);
  const mant = abs << BigInt(shift);
  const exp = x.e - shift;
  const lower = toDecimal(mant - 1n, exp);
  const upper = toDecimal(mant + 1n, exp);
  const inclusive = (mant & 2n) === 0n;
  for (let i = 0; i < d.digits.length; i++) {
    const m = d.digits[i]!;
    const l = digitAt(lower, i);
    const u = digitAt(upper, i);
    const okDown = l !== m || (inclusive && i + 1 === lower.digits.length);
    const okUp = m !== u && (inclusive || Number(m) + 1 < Number(u) || i + 1 < upper.digits.length);
    if (okDown && okUp) {
      roundNearest(d, i + 1);
      break;
    }
    if (okDown) {
      roundDown(d, i + 1);
      break;
    }
    if (okUp) {
      roundUp(d, i + 1);
      break;
    }
  }
  return d;
}

/** OPA's FloatToNumber text, e.g. "0.3333333333333333333" or "1000000000000000000000". */
export function toText(x: BigFloat): string {
  if (x.m === 0n) return '0';
  const d = shortest(x);
  const sign = x.m < 0n ? '-' : '';
  if (isInt(x)) return sign + d.digits.padEnd(d.exp, '0');
  return `${sign}0.${d.digits}e${d.exp}`;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The Rego number OPA's printed result denotes: exact integers, other values as the nearest double. */
export function toRego(x: BigFloat): number | bigint {
  if (x.m === 0n) return 0;
  const text = toText(x);
  if (isInt(x)) {
    const i = BigInt(text);
    return i > SAFE || i < -SAFE ? i : Number(i);
  }
  return Number(text);
}
