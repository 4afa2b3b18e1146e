import { BuiltinError, operandTypeError } from '../errors.js';
import { RegoSet, typeNameOf, type RegoValue } from '../value.js';
import { isObjectValue, type ObjectValue } from './rego-object.js';
import { exactInteger } from './rego-order.js';

// Operand checks worded as OPA's builtins package words them.

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

export function objectArg(name: string, v: RegoValue | undefined, position: number): ObjectValue {
  if (!isObjectValue(v)) throw operandTypeError(name, position, 'object', typeName(v));
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

/** OPA's IntOperand: an integer that fits Go's int. */
export function intArg(name: string, v: RegoValue | undefined, position: number): number {
  const n = numberArg(name, v, position);
  if (typeof n === 'bigint') {
    if (n < INT64_MIN || n > INT64_MAX) throw operandError(name, position, floatMessage);
    return Number(n);
  }
  if (!Number.isInteger(n)) throw operandError(name, position, floatMessage);
  return n;
}

/** OPA's BigIntOperand: any integer; its type error says "integer". */
export function bigIntArg(name: string, v: RegoValue | undefined, position: number): bigint {
  if (!isNumber(v)) throw operandTypeError(name, position, 'integer', typeName(v));
  if (!isIntegral(v)) throw operandError(name, position, floatMessage);
  return exactInteger(v);
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer result: a plain number when exact, a bigint beyond 2^53. */
export function intResult(n: bigint): number | bigint {
  return n > SAFE || n < -SAFE ? n : Number(n);
}
