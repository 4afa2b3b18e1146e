import type { BuiltinGroup } from './declaration.js';

/** Objects, JSON paths and patches, JSON Schema. */
export const OBJECTS: BuiltinGroup = {
  category: 'object',
  builtins: [
    { name: 'object.get', signature: 'object[any: any], any, any -> any', native: 'b_object_get', defers: true, host: true },
    { name: 'object.keys', signature: 'object[any: any] -> set[any]', host: true },
    { name: 'object.remove', signature: 'object[any: any], any<array[any], object[any: any], set[any]> -> object[any: any]', host: true },
    { name: 'object.filter', signature: 'object[any: any], any<array[any], object[any: any], set[any]> -> object[any: any]', host: true },
    { name: 'object.union', signature: 'object[any: any], object[any: any] -> any', host: true },
    { name: 'object.union_n', signature: 'array[object[any: any]] -> any', host: true },
    { name: 'object.subset', signature: 'any<object[any: any], set[any], array[any]>, any<object[any: any], set[any], array[any]> -> any', host: true, unchecked: true },
    { name: 'json.filter', signature: 'object[any: any], any<array[any], set[any]> -> any', host: true },
    { name: 'json.remove', signature: 'object[any: any], any<array[any], set[any]> -> any', host: true },
    { name: 'json.patch', signature: 'any, array[object[any: any]] -> any', host: true, unchecked: true },
    { name: 'json.match_schema', signature: 'any<string, object[any: any]>, any<string, object[any: any]> -> array[any]', host: true, unchecked: true },
    { name: 'json.verify_schema', signature: 'any<string, object[any: any]> -> array[any]', host: true, unchecked: true },
  ],
};
