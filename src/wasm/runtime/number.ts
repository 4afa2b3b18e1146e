import { malloc } from './alloc';
import { T_INT, T_REF, tag, intOf, makeInt, makeRef } from './value';
import { burn } from './fuel';

// Exact decimal view of a number: value = (neg ? -1 : 1) * 0.d1d2...dn * 10^exp, digits without
// leading or trailing zeros (n = 0 means zero). Lets numbers of any size compare and hash exactly.
@unmanaged
export class Decimal {
  neg: bool;
  digits: u32; // pointer to ASCII digits
  n: u32;
  exp: i32;
}

const scratch = memory.data(32);

/** Writes the decimal digits of |n| (or "0") to fresh memory; returns pointer, length in `lenOut`. */
export function formatInt(n: i64, lenOut: u32): u32 {
  let neg = n < 0;
  // Work on negatives so that i64.MIN_VALUE formats correctly.
  let x: i64 = neg ? n : -n;
  let count: u32 = 0;
  let t = x;
  do {
    count++;
    t = t / 10;
  } while (t != 0);
  const total = count + (neg ? 1 : 0);
  const p = malloc(total);
  let i = total;
  do {
    i--;
    const d = <i32>(-(x % 10));
    store<u8>(p + i, <u8>(48 + d));
    x = x / 10;
  } while (x != 0);
  if (neg) store<u8>(p, 45);
  store<u32>(lenOut, total);
  return p;
}

/** Parses the text of a JSON/Rego number into a Decimal. Returns false when the text is malformed. */
export function parseDecimal(p: u32, len: u32, out: Decimal): bool {
  let i: u32 = 0;
  out.neg = false;
  if (i < len && load<u8>(p + i) == 45) {
    out.neg = true;
    i++;
  } else if (i < len && load<u8>(p + i) == 43) {
    i++;
  }
  const digits = malloc(len + 1);
  let n: u32 = 0;
  let intDigits: i32 = 0;
  let seenDigit = false;
  let seenPoint = false;
  let leadingZerosAfterPoint: i32 = 0;
  for (; i < len; i++) {
    const c = load<u8>(p + i);
    if (c >= 48 && c <= 57) {
      seenDigit = true;
      if (n == 0 && c == 48) {
        if (seenPoint) leadingZerosAfterPoint++;
        continue;
      }
      store<u8>(digits + n, c);
      n++;
      if (!seenPoint) intDigits++;
    } else if (c == 46 && !seenPoint) {
      seenPoint = true;
    } else break;
  }
  if (!seenDigit) return false;
  let e: i64 = 0;
  if (i < len) {
    const c = load<u8>(p + i);
    if (c != 101 && c != 69) return false;
    i++;
    let eneg = false;
    if (i < len && (load<u8>(p + i) == 45 || load<u8>(p + i) == 43)) {
      eneg = load<u8>(p + i) == 45;
      i++;
    }
    if (i >= len) return false;
    for (; i < len; i++) {
      const d = load<u8>(p + i);
      if (d < 48 || d > 57) return false;
      if (e < 100000000) e = e * 10 + (d - 48);
    }
    if (eneg) e = -e;
  }
  while (n > 0 && load<u8>(digits + n - 1) == 48) n--;
  out.digits = digits;
  out.n = n;
  out.exp = n == 0 ? 0 : <i32>((intDigits > 0 ? intDigits : -leadingZerosAfterPoint) + e);
  if (n == 0) out.neg = false;
  return true;
}

export function decimalOf(v: u32, out: Decimal): void {
  if (tag(v) == T_INT) {
    const p = formatInt(intOf(v), scratch);
    parseDecimal(p, load<u32>(scratch), out);
  } else {
    parseDecimal(load<u32>(v, 8), load<u32>(v, 4), out);
  }
}

export function compareDecimal(a: Decimal, b: Decimal): i32 {
  const aZero = a.n == 0;
  const bZero = b.n == 0;
  if (aZero && bZero) return 0;
  const aSign: i32 = aZero ? 0 : a.neg ? -1 : 1;
  const bSign: i32 = bZero ? 0 : b.neg ? -1 : 1;
  if (aSign != bSign) return aSign < bSign ? -1 : 1;
  let mag: i32 = 0;
  if (a.exp != b.exp) mag = a.exp < b.exp ? -1 : 1;
  else {
    const m = a.n < b.n ? a.n : b.n;
    for (let i: u32 = 0; i < m; i++) {
      const x = load<u8>(a.digits + i);
      const y = load<u8>(b.digits + i);
      if (x != y) {
        mag = x < y ? -1 : 1;
        break;
      }
    }
    if (mag == 0 && a.n != b.n) mag = a.n < b.n ? -1 : 1;
  }
  return aSign < 0 ? -mag : mag;
}

const da = changetype<Decimal>(memory.data(16));
const db = changetype<Decimal>(memory.data(16));

export function compareNumbers(a: u32, b: u32): i32 {
  if (tag(a) == T_INT && tag(b) == T_INT) {
    const x = intOf(a);
    const y = intOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  decimalOf(a, da);
  decimalOf(b, db);
  return compareDecimal(da, db);
}

/** The number as an i64 when it is an integer within range; `ok` (a u32 cell) is set to 1 then. */
export function toInt(v: u32, ok: u32): i64 {
  if (tag(v) == T_INT) {
    store<u32>(ok, 1);
    return intOf(v);
  }
  decimalOf(v, da);
  store<u32>(ok, 0);
  if (da.n == 0) {
    store<u32>(ok, 1);
    return 0;
  }
  if (da.exp < <i32>da.n || da.exp > 19) return 0;
  let r: i64 = 0;
  for (let i: i32 = 0; i < da.exp; i++) {
    const d: i64 = i < <i32>da.n ? <i64>(load<u8>(da.digits + i) - 48) : 0;
    if (r > (i64.MAX_VALUE - d) / 10) return 0;
    r = r * 10 + d;
  }
  store<u32>(ok, 1);
  return da.neg ? -r : r;
}

export function isInteger(v: u32): bool {
  if (tag(v) == T_INT) return true;
  decimalOf(v, da);
  return da.n == 0 || da.exp >= <i32>da.n;
}

/** A number value from its text: an INT when it is a plain integer that fits, else an exact REF. */
export function numberFromText(p: u32, len: u32): u32 {
  let i: u32 = 0;
  let neg = false;
  if (len > 0 && load<u8>(p) == 45) {
    neg = true;
    i = 1;
  }
  if (i < len && len - i <= 18) {
    let r: i64 = 0;
    let plain = true;
    for (let j = i; j < len; j++) {
      const c = load<u8>(p + j);
      if (c < 48 || c > 57) {
        plain = false;
        break;
      }
      r = r * 10 + (c - 48);
    }
    if (plain) return makeInt(neg ? -r : r);
  }
  // Host builtins work on such a number at a cost that grows faster than its text (a 1e300000 is
  // 300,000 digits to them): an evaluation slice is charged for the digits it stands for.
  burn(magnitudeDigits(p, len));
  return makeRef(p, len);
}

/** About how many digits the number written at `p` stands for: its text, plus its exponent's size. */
function magnitudeDigits(p: u32, len: u32): i32 {
  let i: u32 = 0;
  while (i < len && (load<u8>(p + i) | 32) != 101) i++;
  let exponent: u32 = 0;
  for (let j = i + 1; j < len; j++) {
    const c = load<u8>(p + j);
    if (c < 48 || c > 57) continue;
    exponent = exponent * 10 + (c - 48);
    if (exponent > 0xffffff) return 0x1000000;
  }
  return <i32>(len + exponent);
}

/** f64 approximation, for builtins that work in floating point. */
export function toF64(v: u32): f64 {
  if (tag(v) == T_INT) return <f64>intOf(v);
  decimalOf(v, da);
  let r: f64 = 0;
  for (let i: u32 = 0; i < da.n; i++) r = r * 10 + <f64>(load<u8>(da.digits + i) - 48);
  r = r * Math.pow(10, <f64>(da.exp - <i32>da.n));
  return da.neg ? -r : r;
}

