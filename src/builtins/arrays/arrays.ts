import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, type RegoValue } from '../value.js';
import { isObjectValue } from '../rego-object.js';
import { setElements, sortedEntries } from '../rego-order.js';
import { arrayArg, intArg } from '../operands.js';

// array.concat, array.slice, array.reverse, array.flatten and walk.

export const arrayConcat: HostBuiltin = (a, b) => {
  const x = arrayArg('array.concat', a, 1);
  const y = arrayArg('array.concat', b, 2);
  return [...x, ...y];
};

/** Indexes are clamped into range, and a start past the stop gives an empty array. */
export const arraySlice: HostBuiltin = (a, start, stop) => {
  const arr = arrayArg('array.slice', a, 1);
  let from = intArg('array.slice', start, 2);
  let to = intArg('array.slice', stop, 3);
  to = Math.min(Math.max(to, 0), arr.length);
  from = Math.min(Math.max(from, 0), to);
  return arr.slice(from, to);
};

export const arrayReverse: HostBuiltin = (a) => arrayArg('array.reverse', a, 1).slice().reverse();

/** One level: nested arrays are spliced in, deeper ones kept. */
export const arrayFlatten: HostBuiltin = (a) =>
  // flatMap, not push(...x): spreading a large array as arguments overflows the stack.
  arrayArg('array.flatten', a, 1).flatMap((x) => (Array.isArray(x) ? x : [x]));

/**
 * walk(x) as the array of its [path, value] pairs in OPA's order: pre-order, array elements
 * by index, object members by key order, set members in sorted order (each member is its own
 * path segment).
 */
export const walk: HostBuiltin = (input) => {
  const out: RegoValue[] = [];
  const visit = (path: RegoValue[], v: RegoValue): void => {
    out.push([path, v]);
    if (Array.isArray(v)) v.forEach((x, i) => visit([...path, i], x));
    else if (v instanceof RegoSet) for (const x of setElements(v)) visit([...path, x], x);
    else if (isObjectValue(v)) for (const [k, x] of sortedEntries(v)) visit([...path, k], x);
  };
  visit([], input ?? null);
  return out;
};
