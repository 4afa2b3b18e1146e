import { BuiltinError, operandTypeError } from './errors.js';
import { RegoObjectEntries, RegoSet, isRegoObject, typeNameOf, type RegoObject, type RegoValue } from './value.js';
import { isObjectValue, type ObjectValue } from './rego-object.js';
import { exactInteger } from './rego-order.js';

// Operand checks worded as OPA's builtins package words them: one reader per kind of operand,
// shared by every builtin family, so one kind of operand fails with one message everywhere.

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export function typeName(v: RegoValue | undefined): string {
  return typeNameOf(v ?? null);
}

/** `name: operand N <message>` as a type error. */
export function operandError(name: string, position: number, message: string): BuiltinError {
  return new BuiltinError('eval_type_error', `${name}: operand ${position} ${message}`);
}

/** OPA's NewOperandElementErr: `must be array of numbers but got array containing string`. */
export function elementError(name: string, position: number, collection: RegoValue, element: RegoValue, expected: string): BuiltinError {
  const kind = typeName(collection);
  return operandError(name, position, `must be ${kind} of ${expected}s but got ${kind} containing ${typeName(element)}`);
}

/** The string operand at `position` (1-based), or OPA's type error. */
export function stringArg(name: string, v: RegoValue | undefined, position: number): string {
  if (typeof v !== 'string') throw operandTypeError(name, position, 'string', typeName(v));
  return v;
}

/** An object operand as Rego holds it (non-string keys stay a `RegoObjectEntries`). */
export function objectArg(name: string, v: RegoValue | undefined, position: number): ObjectValue {
  if (!isObjectValue(v)) throw operandTypeError(name, position, 'object', typeName(v));
  return v;
}

/** An object operand as a plain string-keyed object, for builtins that read it as options. */
export function plainObjectArg(name: string, v: RegoValue | undefined, position: number): RegoObject {
  if (v instanceof RegoObjectEntries) return Object.fromEntries(v.entries.map(([k, x]) => [String(k), x]));
  if (v === undefined || !isRegoObject(v)) throw operandTypeError(name, position, 'object', typeName(v));
  return v;
}

export function arrayArg(name: string, v: RegoValue | undefined, position: number): RegoValue[] {
  if (!Array.isArray(v)) throw operandTypeError(name, position, 'array', typeName(v));
  return v;
}

export function setArg(name: string, v: RegoValue | undefined, position: number): RegoSet {
  if (!(v instanceof RegoSet)) throw operandTypeError(name, position, 'set', typeName(v));
  return v;
}

export function isNumber(v: RegoValue | undefined): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

export function numberArg(name: string, v: RegoValue | undefined, position: number): number | bigint {
  if (!isNumber(v)) throw operandTypeError(name, position, 'number', typeName(v));
  return v;
}

export function isIntegral(n: number | bigint): boolean {
  return typeof n === 'bigint' || Number.isInteger(n);
}

const floatMessage = 'must be integer number but got floating-point number';

/**
 * OPA's IntOperand: an integer that fits Go's int (int64), exactly. Fractions and numbers outside
 * int64 get OPA's "integer number" message, as `ast.Number.Int` fails on both.
 */
export function int64Arg(name: string, v: RegoValue | undefined, position: number): bigint {
  const n = numberArg(name, v, position);
  if (typeof n === 'bigint') {
    if (!isInt64(n)) throw operandError(name, position, floatMessage);
    return n;
  }
  if (!Number.isInteger(n) || Math.abs(n) >= 2 ** 63) throw operandError(name, position, floatMessage);
  return BigInt(n);
}

/** OPA's IntOperand as a JavaScript number, for counts, offsets and lengths. */
export function intArg(name: string, v: RegoValue | undefined, position: number): number {
  return Number(int64Arg(name, v, position));
}

export function isInt64(n: bigint): boolean {
  return n >= INT64_MIN && n <= INT64_MAX;
}

/** OPA's BigIntOperand: any integer; its type error says "integer". */
export function bigIntArg(name: string, v: RegoValue | undefined, position: number): bigint {
  if (!isNumber(v)) throw operandTypeError(name, position, 'integer', typeName(v));
  if (!isIntegral(v)) throw operandError(name, position, floatMessage);
  return exactInteger(v);
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer result: a plain number when exact, a bigint beyond 2^53. */
export function integerResult(n: bigint): number | bigint {
  return n > SAFE || n < -SAFE ? n : Number(n);
}

/** Elements of an array or set that must all be strings (OPA's StringSliceOperand wording). */
export function stringElements(name: string, value: RegoValue, position: number): string[] {
  const items = collectionItems(value);
  if (items === undefined) throw operandTypeError(name, position, 'one of {array, set}', typeName(value));
  const kind = typeName(value);
  return items.map((item) => {
    if (typeof item !== 'string') {
      throw operandError(name, position, `must be ${kind} of strings but got ${kind} containing ${typeName(item)}`);
    }
    return item;
  });
}

/** Items of an array or set. */
export function collectionItems(value: RegoValue): RegoValue[] | undefined {
  if (Array.isArray(value)) return value;
  if (value instanceof RegoSet) return value.items;
  return undefined;
}
