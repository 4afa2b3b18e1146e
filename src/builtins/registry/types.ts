import type { BuiltinGroup } from './declaration.js';

/** Types, conversions and (deprecated) casts. */
export const TYPES: BuiltinGroup = {
  category: 'types',
  builtins: [
    { name: 'is_number', signature: 'any -> boolean', native: 'b_is_number', host: true },
    { name: 'is_string', signature: 'any -> boolean', native: 'b_is_string', host: true },
    { name: 'is_boolean', signature: 'any -> boolean', native: 'b_is_boolean', host: true },
    { name: 'is_array', signature: 'any -> boolean', native: 'b_is_array', host: true },
    { name: 'is_set', signature: 'any -> boolean', native: 'b_is_set', host: true },
    { name: 'is_object', signature: 'any -> boolean', native: 'b_is_object', host: true },
    { name: 'is_null', signature: 'any -> boolean', native: 'b_is_null', host: true },
    { name: 'type_name', signature: 'any -> string', native: 'b_type_name', host: true },
    { name: 'to_number', signature: 'any<null, boolean, number, string> -> number', categories: ['conversions'], native: 'b_to_number', defers: true, host: true },
    { name: 'cast_array', signature: 'any -> array[any]', categories: ['casts'], host: true, unchecked: true, deprecated: true },
    { name: 'cast_set', signature: 'any -> set[any]', categories: ['casts'], host: true, unchecked: true, deprecated: true },
    { name: 'cast_string', signature: 'any -> string', categories: ['casts'], host: true, unchecked: true, deprecated: true },
    { name: 'cast_boolean', signature: 'any -> boolean', categories: ['casts'], host: true, unchecked: true, deprecated: true },
    { name: 'cast_null', signature: 'any -> null', categories: ['casts'], host: true, unchecked: true, deprecated: true },
    { name: 'cast_object', signature: 'any -> object[any: any]', categories: ['casts'], host: true, unchecked: true, deprecated: true },
  ],
};
