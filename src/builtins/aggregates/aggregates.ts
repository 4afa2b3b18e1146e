import { operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, type RegoValue } from '../value.js';
import * as F from '../numbers/big-float.js';
import { isObjectValue, objectSize } from '../rego-object.js';
import { compareValues, exactInteger, setElements, sortValues } from '../rego-order.js';
import { elementError, integerResult, isIntegral, isNumber, typeName } from '../operands.js';

// count, sum, product, max, min, sort, any and all (OPA's aggregates.go).

function setOrArray(name: string, v: RegoValue | undefined, expected = 'one of {set, array}'): RegoValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof RegoSet) return setElements(v);
  throw operandTypeError(name, 1, expected, typeName(v));
}

export const count: HostBuiltin = (v) => {
  if (Array.isArray(v)) return v.length;
  if (v instanceof RegoSet) return setElements(v).length;
  if (typeof v === 'string') return Array.from(v).length;
  if (isObjectValue(v)) return objectSize(v);
  throw operandTypeError('count', 1, 'one of {array, object, set, string}', typeName(v));
};

/** Exact integer fold, or undefined as soon as an element is not an integer. */
function exactFold(items: RegoValue[], init: bigint, op: (a: bigint, b: bigint) => bigint): bigint | undefined {
  let acc = init;
  for (const x of items) {
    if (!isNumber(x) || !isIntegral(x)) return undefined;
    acc = op(acc, exactInteger(x));
  }
  return acc;
}

/** The float fold OPA falls back to; `prec` is the accumulator's mantissa size. */
function floatFold(
  name: string,
  collection: RegoValue,
  items: RegoValue[],
  init: F.BigFloat,
  op: (a: F.BigFloat, b: F.BigFloat) => F.BigFloat,
): number | bigint {
  let acc = init;
  for (const x of items) {
    if (!isNumber(x)) throw elementError(name, 1, collection, x, 'number');
    acc = op(acc, F.fromNumber(x));
  }
  return F.toRego(acc);
}

export const sum: HostBuiltin = (v) => {
  const items = setOrArray('sum', v);
  const exact = exactFold(items, 0n, (a, b) => a + b);
  if (exact !== undefined) return integerResult(exact);
  // big.Float zero takes its operand's 64-bit precision on the first addition.
  return floatFold('sum', v!, items, { m: 0n, e: 0, prec: 0 }, (a, b) => F.add(a, b, F.PREC));
};

export const product: HostBuiltin = (v) => {
  const items = setOrArray('product', v);
  const exact = exactFold(items, 1n, (a, b) => a * b);
  if (exact !== undefined) return integerResult(exact);
  // The accumulator is big.NewFloat(1), whose 53-bit precision every product keeps.
  return floatFold('product', v!, items, F.fromBigInt(1n, 53), (a, b) => F.mul(a, b, 53));
};

export const max: HostBuiltin = (v) => {
  const items = setOrArray('max', v);
  if (items.length === 0) return undefined;
  let best: RegoValue = null;
  for (const x of items) if (compareValues(best, x) <= 0) best = x;
  return best;
};

export const min: HostBuiltin = (v) => {
  const items = setOrArray('min', v);
  if (items.length === 0) return undefined;
  let best: RegoValue = items[0]!;
  for (const x of items) if (compareValues(best, x) >= 0) best = x;
  return best;
};

export const sort: HostBuiltin = (v) => {
  if (v instanceof RegoSet) return setElements(v).slice();
  return sortValues(setOrArray('sort', v));
};

export const any: HostBuiltin = (v) => setOrArray('any', v, 'one of {array, set}').some((x) => x === true);

export const all: HostBuiltin = (v) => setOrArray('all', v, 'one of {array, set}').every((x) => x === true);
