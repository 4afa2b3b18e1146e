// Provenance: follows Go's src/strconv/ftoa.go and src/strconv/decimal.go; Go is BSD-3-Clause, Copyright 2009 The Go Authors (see NOTICE).
// Go's strconv.FormatFloat for the 'e', 'f' and 'g' formats, digit for digit: shortest
// round-trip digits when no precision is given, otherwise exact decimal expansion of the double
// rounded half-to-even, exactly as Go's decimal type does it.

/** Decimal digits `d` with the decimal point at `dp`: value = 0.d × 10^dp; zero has no digits. */
interface Decimal {
  d: string;
  dp: number;
}

function trimZeros(d: string): string {
  let end = d.length;
  while (end > 0 && d[end - 1] === '0') end--;
  return d.slice(0, end);
}

/** The exact decimal value of a positive finite double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mantissa |= 1n << 52n;
    exp = biased - 1075;
  }
  if (exp >= 0) {
    const digits = (mantissa << BigInt(exp)).toString();
    return { d: trimZeros(digits), dp: digits.length };
  }
  const k = -exp;
  const digits = (mantissa * 5n ** BigInt(k)).toString();
  return { d: trimZeros(digits), dp: digits.length - k };
}

/** Shortest digits that read back as the same double. */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const [mant, e] = x.toExponential().split('e') as [string, string];
  return { d: trimZeros(mant.replace('.', '')), dp: Number(e) + 1 };
}

function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const digit = a.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (digit === 5 && nd + 1 === a.d.length) up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = digit >= 5;
  if (!up) return { d: trimZeros(a.d.slice(0, nd)), dp: a.dp };
  let i = nd - 1;
  while (i >= 0 && a.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: a.dp + 1 };
  return { d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp };
}

function fmtE(a: Decimal, prec: number, upper: boolean): string {
  let out = a.d.length === 0 ? '0' : a.d[0]!;
  if (prec > 0) {
    out += '.';
    let i = 1;
    const m = Math.min(a.d.length, prec + 1);
    if (i < m) {
      out += a.d.slice(i, m);
      i = m;
    }
    for (; i <= prec; i++) out += '0';
  }
  out += upper ? 'E' : 'e';
  let exp = a.dp - 1;
  if (a.d.length === 0) exp = 0;
  out += exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  out += exp < 10 ? '0' + exp : String(exp);
  return out;
}

function fmtF(a: Decimal, prec: number): string {
  let out: string;
  if (a.dp > 0) {
    const m = Math.min(a.d.length, a.dp);
    out = a.d.slice(0, m) + '0'.repeat(a.dp - m);
  } else out = '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = a.dp + i - 1;
      out += j >= 0 && j < a.d.length ? a.d[j] : '0';
    }
  }
  return out;
}

/**
 * strconv.FormatFloat(x, fmt, prec, 64) for fmt in e/E/f/F/g/G; prec < 0 means shortest.
 * Infinities and NaN are spelled as Go spells them.
 */
export function formatFloat(x: number, fmt: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  const lowerFmt = fmt.toLowerCase();
  const upper = fmt === 'E' || fmt === 'G';
  let digs: Decimal;
  const shortest = prec < 0;
  if (shortest) {
    digs = shortestDecimal(abs);
    if (lowerFmt === 'e') prec = Math.max(digs.d.length - 1, 0);
    else if (lowerFmt === 'f') prec = Math.max(digs.d.length - digs.dp, 0);
    else prec = digs.d.length;
  } else {
    const exact = exactDecimal(abs);
    if (lowerFmt === 'e') digs = roundDecimal(exact, prec + 1);
    else if (lowerFmt === 'f') digs = roundDecimal(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = roundDecimal(exact, prec);
    }
  }
  let body: string;
  if (lowerFmt === 'e') body = fmtE(digs, prec, upper);
  else if (lowerFmt === 'f') body = fmtF(digs, prec);
  else {
    let eprec = prec;
    if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
    if (shortest) eprec = 6;
    const exp = digs.dp - 1;
    if (exp < -4 || exp >= eprec) {
      if (prec > digs.d.length) prec = digs.d.length;
      body = fmtE(digs, prec - 1, upper);
    } else {
      if (prec > digs.dp) prec = digs.d.length;
      body = fmtF(digs, Math.max(prec - digs.dp, 0));
    }
  }
  return (neg ? '-' : '') + body;
}
