import { operandTypeError } from '../errors.js';
import type { HostBuiltin } from '../host-builtin.js';
import { RegoSet, type RegoValue } from '../value.js';
import { isObjectValue } from '../rego-object.js';
import { makeSet, setElements } from '../rego-order.js';
import { typeName } from '../operands.js';

// Type tests, type_name and the deprecated cast_* builtins.

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
