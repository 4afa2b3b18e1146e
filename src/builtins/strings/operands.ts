import { BuiltinError, builtinError, operandTypeError } from '../errors.js';
import { RegoSet, typeNameOf, type RegoValue } from '../value.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** OPA's `operand N <message>` type error, for the checks that have their own wording. */
export function operandError(name: string, position: number, message: string): BuiltinError {
  return new BuiltinError('eval_type_error', `${name}: operand ${position} ${message}`);
}

/** A failure raised by the builtin itself (OPA's plain Go errors), worded `name: message`. */
export function failure(name: string, message: string): BuiltinError {
  return builtinError(name, message);
}

export function stringArg(name: string, value: RegoValue | undefined, position: number): string {
  if (typeof value !== 'string') throw operandTypeError(name, position, 'string', typeNameOf(value ?? null));
  return value;
}

export function numberArg(name: string, value: RegoValue | undefined, position: number): number | bigint {
  if (typeof value !== 'number' && typeof value !== 'bigint') {
    throw operandTypeError(name, position, 'number', typeNameOf(value ?? null));
  }
  return value;
}

/** OPA's IntOperand: an integer that fits Go's int. */
export function intArg(name: string, value: RegoValue | undefined, position: number): number {
  const n = numberArg(name, value, position);
  if (typeof n === 'bigint') {
    if (n < INT64_MIN || n > INT64_MAX) {
      throw operandError(name, position, 'must be integer number but got floating-point number');
    }
    return Number(n);
  }
  if (!Number.isInteger(n)) throw operandError(name, position, 'must be integer number but got floating-point number');
  return n;
}

/** Elements of an array or set that must all be strings (OPA's StringSliceOperand wording). */
export function stringElements(name: string, value: RegoValue, position: number): string[] {
  const items = Array.isArray(value) ? value : value instanceof RegoSet ? value.items : undefined;
  if (items === undefined) throw operandTypeError(name, position, 'one of {array, set}', typeNameOf(value));
  const kind = typeNameOf(value);
  return items.map((item) => {
    if (typeof item !== 'string') {
      throw operandError(name, position, `must be ${kind} of strings but got ${kind} containing ${typeNameOf(item)}`);
    }
    return item;
  });
}

/** An integer result: a plain number when exact, a bigint beyond 2^53. */
export function integerResult(n: bigint): number | bigint {
  return n > SAFE || n < -SAFE ? n : Number(n);
}

export function isInt64(n: bigint): boolean {
  return n >= INT64_MIN && n <= INT64_MAX;
}

/** Code points of a string (lone surrogates count as one each, like Go's replacement runes). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Go's byte-oriented view of a string. */
export function utf8Bytes(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}
