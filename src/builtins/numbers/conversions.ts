import { type BuiltinError, builtinError, operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { typeNameOf } from '../value.js';
import { goQuote } from '../strings/rego-format.js';
import { integerResult, stringArg } from '../operands.js';

// to_number, units.parse and units.parse_bytes. Amounts are parsed as exact rationals so results
// are what OPA's big.Rat arithmetic gives: integers exact (bigint beyond 2^53), fractions as the
// double nearest to OPA's decimal text.

interface Rational {
  n: bigint;
  d: bigint;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A decimal literal (optional sign, fraction, exponent) as an exact rational. */
function parseDecimal(text: string): Rational | undefined {
  const m = DECIMAL.exec(text);
  if (m === null) return undefined;
  const [, sign, whole = '', frac = '', exp] = m;
  if (whole === '' && frac === '') return undefined;
  let n = BigInt(whole + frac || '0');
  let d = 10n ** BigInt(frac.length);
  const e = exp === undefined ? 0 : Number(exp);
  if (e >= 0) n *= 10n ** BigInt(e);
  else d *= 10n ** BigInt(-e);
  return { n: sign === '-' ? -n : n, d };
}

function isInteger(r: Rational): boolean {
  return r.n % r.d === 0n;
}

/** big.Rat.FloatString(10): ten decimals, halves rounded away from zero. */
function floatString10(r: Rational): string {
  const neg = r.n < 0n;
  const abs = neg ? -r.n : r.n;
  const scaled = abs * 10n ** 10n;
  let q = scaled / r.d;
  if ((scaled % r.d) * 2n >= r.d) q += 1n;
  const digits = q.toString().padStart(11, '0');
  return (neg ? '-' : '') + digits.slice(0, -10) + '.' + digits.slice(-10);
}

/** A number from a Go strconv.ParseFloat hex literal such as 0x1.8p3. */
function parseHexFloat(text: string): number | undefined {
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(text);
  if (m === null) return undefined;
  const [, sign, whole = '', frac = '', exp = '0'] = m;
  if (whole === '' && frac === '') return undefined;
  const mantissa = parseInt(whole + frac || '0', 16);
  const value = mantissa * 2 ** (Number(exp) - 4 * frac.length);
  return sign === '-' ? -value : value;
}

export const toNumber: HostBuiltin = (x) => {
  if (x === null) return 0;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'number' || typeof x === 'bigint') return x;
  if (typeof x !== 'string') {
    throw operandTypeError('to_number', 1, 'one of {null, boolean, number, string}', typeNameOf(x ?? null));
  }
  const special = x.replace(/^[+-]+/, '').toLowerCase();
  if (special === 'inf' || special === 'infinity' || special === 'nan') {
    throw operandTypeError('to_number', 1, 'valid number string', 'string');
  }
  const invalid = (): BuiltinError => builtinError('to_number', `strconv.ParseFloat: parsing ${goQuote(x)}: invalid syntax`);
  const m = DECIMAL.exec(x);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) {
    const hex = parseHexFloat(x);
    if (hex === undefined) throw invalid();
    if (!Number.isFinite(hex)) throw builtinError('to_number', `strconv.ParseFloat: parsing ${goQuote(x)}: value out of range`);
    return hex;
  }
  const approx = Number(x);
  if (!Number.isFinite(approx)) throw builtinError('to_number', `strconv.ParseFloat: parsing ${goQuote(x)}: value out of range`);
  return numberFromText(x);
};

const MAX_EXPONENT_DIGITS = 6;

/** OPA's extractNumAndUnit: [number, unit], or undefined when the exponent is too long. */
function splitAmount(s: string): [string, string] | undefined {
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  let boundary = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!isDigit(c) && c !== '.' && c !== 'e' && c !== 'E' && c !== '+' && c !== '-') {
      boundary = i;
      break;
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== '+' && next !== '-')) {
        boundary = i;
        break;
      }
      if (next === '+' || next === '-') i++;
      let j = i + 1;
      while (j < s.length && isDigit(s[j])) j++;
      if (j - (i + 1) > MAX_EXPONENT_DIGITS) return undefined;
    }
  }
  if (boundary === -1) return [s, ''];
  if (boundary === 0) return ['', s];
  return [s.slice(0, boundary), s.slice(boundary)];
}

const SI: Record<string, bigint> = {
  k: 10n ** 3n,
  K: 10n ** 3n,
  M: 10n ** 6n,
  g: 10n ** 9n,
  G: 10n ** 9n,
  t: 10n ** 12n,
  T: 10n ** 12n,
  p: 10n ** 15n,
  P: 10n ** 15n,
  e: 10n ** 18n,
  E: 10n ** 18n,
};
const BINARY_SHIFT: Record<string, bigint> = { k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n };

/** The multiplier of a units.parse unit, already normalised to first letter + lower-case rest. */
function unitsFactor(unit: string): Rational | undefined {
  if (unit === '') return { n: 1n, d: 1n };
  if (unit === 'm') return { n: 1n, d: 1000n };
  if (unit.length === 1 && Object.hasOwn(SI, unit)) return { n: SI[unit]!, d: 1n };
  const shift = BINARY_SHIFT[unit[0]!.toLowerCase()];
  if (unit.length === 2 && unit[1] === 'i' && shift !== undefined) return { n: 1n << shift, d: 1n };
  return undefined;
}

export const unitsParse: HostBuiltin = (x) => {
  const name = 'units.parse';
  const s = stringArg(name, x, 1).replaceAll('"', '');
  if (s.includes(' ')) throw builtinError(name, 'spaces not allowed in resource strings');
  const split = splitAmount(s);
  if (split === undefined) throw builtinError(name, 'exponent too large');
  const [num, rawUnit] = split;
  if (num === '') throw builtinError(name, 'no amount provided');
  const unit = rawUnit.length > 1 ? rawUnit[0] + rawUnit.slice(1).toLowerCase() : rawUnit;
  const factor = unitsFactor(unit);
  if (factor === undefined) throw builtinError(name, `unit ${unit} not recognized`);
  const amount = parseDecimal(num);
  if (amount === undefined) throw builtinError(name, 'could not parse amount to a number');
  const r = { n: amount.n * factor.n, d: amount.d * factor.d };
  if (isInteger(r)) return integerResult(r.n / r.d);
  return Number(floatString10(r));
};

const BYTE_UNITS: Record<string, bigint> = {
  '': 1n,
  kb: 10n ** 3n,
  k: 10n ** 3n,
  kib: 1n << 10n,
  ki: 1n << 10n,
  mb: 10n ** 6n,
  m: 10n ** 6n,
  mib: 1n << 20n,
  mi: 1n << 20n,
  gb: 10n ** 9n,
  g: 10n ** 9n,
  gib: 1n << 30n,
  gi: 1n << 30n,
  tb: 10n ** 12n,
  t: 10n ** 12n,
  tib: 1n << 40n,
  ti: 1n << 40n,
  pb: 10n ** 15n,
  p: 10n ** 15n,
  pib: 1n << 50n,
  pi: 1n << 50n,
  eb: 10n ** 18n,
  e: 10n ** 18n,
  eib: 1n << 60n,
  ei: 1n << 60n,
};

export const unitsParseBytes: HostBuiltin = (x) => {
  const name = 'units.parse_bytes';
  const s = stringArg(name, x, 1).toLowerCase().replaceAll('"', '');
  if (s.includes(' ')) throw builtinError(name, 'spaces not allowed in resource strings');
  const split = splitAmount(s);
  if (split === undefined) throw builtinError(name, 'exponent too large');
  const [num, unit] = split;
  if (num === '') throw builtinError(name, 'no byte amount provided');
  const factor = Object.hasOwn(BYTE_UNITS, unit) ? BYTE_UNITS[unit]! : undefined;
  if (factor === undefined) throw builtinError(name, `byte unit ${unit} not recognized`);
  const amount = parseDecimal(num);
  if (amount === undefined) throw builtinError(name, 'could not parse byte amount to a number');
  // Truncation toward zero, as big.Float.Int does.
  return integerResult((amount.n * factor) / amount.d);
};


/** A JSON/YAML number text as a Rego number: integers exactly (bigint beyond 2^53). */
export function numberFromText(text: string): number | bigint {
  const exp = /[eE]([+-]?\d+)$/.exec(text);
  if (exp !== null && Math.abs(Number(exp[1])) > 400) return Number(text);
  const exact = parseDecimal(text);
  if (exact !== undefined && isInteger(exact)) return integerResult(exact.n / exact.d);
  return Number(text);
}
