import { builtinError, operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet } from '../value.js';
import * as F from './big-float.js';
import { exactInteger } from '../rego-order.js';
import { difference } from '../sets/sets.js';
import { integerResult, isIntegral, isNumber, numberArg, typeName } from '../operands.js';

// plus, minus, mul, div, rem, abs, round, ceil and floor as OPA's topdown computes them:
// integers exactly (bigint beyond 2^53), everything else on 64-bit-mantissa big.Floats whose
// printed value is returned as the nearest double (see big-float.ts).

type Num = number | bigint;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function smallInt(n: Num): number | undefined {
  if (typeof n === 'number' && Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX) return n === 0 ? 0 : n;
  if (typeof n === 'bigint' && n >= BigInt(INT32_MIN) && n <= BigInt(INT32_MAX)) return Number(n);
  return undefined;
}

function integerOf(n: Num): bigint | undefined {
  return isIntegral(n) ? exactInteger(n) : undefined;
}

function isZeroNumber(n: Num): boolean {
  return typeof n === 'bigint' ? n === 0n : n === 0;
}

function floatResult(x: F.BigFloat): Num {
  return F.toRego(x);
}

/** An operation that is exact on integers and rounds to 64 bits otherwise. */
function ringOp(exact: (x: bigint, y: bigint) => bigint, float: (x: F.BigFloat, y: F.BigFloat) => F.BigFloat) {
  return (a: Num, b: Num): Num => {
    const x = integerOf(a);
    const y = integerOf(b);
    if (x !== undefined && y !== undefined) return integerResult(exact(x, y));
    return floatResult(float(F.fromNumber(a), F.fromNumber(b)));
  };
}

const addNumbers = ringOp((x, y) => x + y, F.add);
const subNumbers = ringOp((x, y) => x - y, F.sub);
const mulNumbers = ringOp((x, y) => x * y, (x, y) => F.mul(x, y));

export function divNumbers(a: Num, b: Num): Num {
  if (isZeroNumber(b)) throw builtinError('div', 'divide by zero');
  const x = smallInt(a);
  const y = smallInt(b);
  // OPA keeps int32 quotients exact only when the division is exact and the dividend non-zero;
  // everything else (big integers included) is a rounded float quotient.
  if (x !== undefined && y !== undefined && x !== 0 && x % y === 0) return x / y;
  return floatResult(F.quo(F.fromNumber(a), F.fromNumber(b)));
}

export function remNumbers(a: Num, b: Num): Num {
  const x = integerOf(a);
  const y = integerOf(b);
  if (x === undefined || y === undefined) throw builtinError('rem', 'modulo on floating-point number');
  if (y === 0n) throw builtinError('rem', 'modulo by zero');
  return integerResult(x % y);
}

function binary(name: string, op: (a: Num, b: Num) => Num): HostBuiltin {
  return (a, b) => op(numberArg(name, a, 1), numberArg(name, b, 2));
}

export const plus = binary('plus', addNumbers);
export const mul = binary('mul', mulNumbers);
export const div = binary('div', divNumbers);
export const rem = binary('rem', remNumbers);

/** Numbers, or set difference; OPA's operand errors for mixed operands are kept word for word. */
export const minus: HostBuiltin = (a, b) => {
  const n1 = isNumber(a);
  const n2 = isNumber(b);
  if (n1 && n2) return subNumbers(a, b);
  const s1 = a instanceof RegoSet;
  if (s1 && b instanceof RegoSet) return difference(a, b);
  if (!n1 && !s1) throw operandTypeError('minus', 1, 'one of {number, set}', typeName(a));
  if (n2) throw operandTypeError('minus', 2, 'set', typeName(b));
  throw operandTypeError('minus', 2, 'number', typeName(b));
};

function unary(name: string, onInteger: (i: bigint) => bigint, onFloat: (x: F.BigFloat) => F.BigFloat): HostBuiltin {
  return (a) => {
    const n = numberArg(name, a, 1);
    const i = integerOf(n);
    if (i !== undefined) return integerResult(onInteger(i));
    return floatResult(onFloat(F.fromNumber(n)));
  };
}

const HALF = F.fromNumber(0.5);
const ONE = F.fromBigInt(1n);

export const abs = unary(
  'abs',
  (i) => (i < 0n ? -i : i),
  (x) => (x.m < 0n ? F.neg(x) : x),
);

/** Halves round away from zero. */
export const round = unary(
  'round',
  (i) => i,
  (x) => F.fromBigInt(F.trunc(x.m < 0n ? F.sub(x, HALF) : F.add(x, HALF))),
);

// OPA tests the sign of the truncated integer, so values in (-1, 0) give ceil 1 and floor 0.
export const ceil = unary(
  'ceil',
  (i) => i,
  (x) => {
    const t = F.fromBigInt(F.trunc(x));
    return t.m < 0n || F.compare(x, t) === 0 ? t : F.add(t, ONE);
  },
);

export const floor = unary(
  'floor',
  (i) => i,
  (x) => {
    const t = F.fromBigInt(F.trunc(x));
    return t.m >= 0n || F.compare(x, t) === 0 ? t : F.sub(t, ONE);
  },
);

export { addNumbers, mulNumbers, subNumbers };
