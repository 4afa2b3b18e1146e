import { operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, type RegoValue } from '../value.js';
import { setArg, typeName } from './operands.js';
import { ValueSet, isObjectValue } from './rego-object.js';
import { makeSet, setElements, setFromNormalised } from './rego-order.js';

// Set algebra (union, intersection, `&`, `|`), type tests and the deprecated cast_* builtins.

function intersect(a: RegoSet, b: RegoSet): RegoSet {
  const have = new ValueSet(setElements(b));
  return setFromNormalised(setElements(a).filter((x) => have.has(x)));
}

export const and: HostBuiltin = (a, b) => intersect(setArg('and', a, 1), setArg('and', b, 2));

export const or: HostBuiltin = (a, b) =>
  makeSet([...setElements(setArg('or', a, 1)), ...setElements(setArg('or', b, 2))]);

/** union(set of sets); every member must itself be a set ("operand 1 must be set"). */
export const union: HostBuiltin = (sets) => {
  // concat, not push(...members): spreading a large set as arguments overflows the stack.
  const all = setElements(setArg('union', sets, 1)).flatMap((s) => setElements(setArg('union', s, 1)));
  return makeSet(all);
};

export const intersection: HostBuiltin = (sets) => {
  const members = setElements(setArg('intersection', sets, 1));
  let acc: RegoSet | undefined;
  for (const s of members) {
    const next = setArg('intersection', s, 1);
    acc = acc === undefined ? next : intersect(acc, next);
  }
  return acc ?? makeSet([]);
};

export const typeNameBuiltin: HostBuiltin = (v) => typeName(v);

export const isNumber: HostBuiltin = (v) => typeof v === 'number' || typeof v === 'bigint';
export const isString: HostBuiltin = (v) => typeof v === 'string';
export const isBoolean: HostBuiltin = (v) => typeof v === 'boolean';
export const isArray: HostBuiltin = (v) => Array.isArray(v);
export const isSet: HostBuiltin = (v) => v instanceof RegoSet;
export const isObject: HostBuiltin = (v) => isObjectValue(v);
export const isNull: HostBuiltin = (v) => v === null;

export const castArray: HostBuiltin = (v) => {
  if (Array.isArray(v)) return v;
  if (v instanceof RegoSet) return setElements(v).slice();
  throw operandTypeError('cast_array', 1, 'one of {array, set}', typeName(v));
};

export const castSet: HostBuiltin = (v) => {
  if (Array.isArray(v)) return makeSet(v);
  if (v instanceof RegoSet) return v;
  throw operandTypeError('cast_set', 1, 'one of {array, set}', typeName(v));
};

function castTo(name: string, expected: string, test: (v: RegoValue) => boolean): HostBuiltin {
  return (v) => {
    const x = v ?? null;
    if (!test(x)) throw operandTypeError(name, 1, expected, typeName(x));
    return x;
  };
}

export const castString = castTo('cast_string', 'string', (v) => typeof v === 'string');
export const castBoolean = castTo('cast_boolean', 'boolean', (v) => typeof v === 'boolean');
export const castNull = castTo('cast_null', 'null', (v) => v === null);
export const castObject = castTo('cast_object', 'object', (v) => isObjectValue(v));
