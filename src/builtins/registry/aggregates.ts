import type { BuiltinGroup } from './declaration.js';

/** Aggregates over collections. */
export const AGGREGATES: BuiltinGroup = {
  category: 'aggregates',
  builtins: [
    { name: 'count', signature: 'any<string, array[any], object[any: any], set[any]> -> number', native: 'b_count', defers: true, host: true },
    { name: 'sum', signature: 'any<array[number], set[number]> -> number', host: true },
    { name: 'product', signature: 'any<array[number], set[number]> -> number', host: true },
    { name: 'max', signature: 'any<array[any], set[any]> -> any', host: true },
    { name: 'min', signature: 'any<array[any], set[any]> -> any', host: true },
    { name: 'sort', signature: 'any<array[any], set[any]> -> array[any]', native: 'b_sort', defers: true, host: true },
    { name: 'all', signature: 'any<array[any], set[any]> -> boolean', host: true, deprecated: true },
    { name: 'any', signature: 'any<array[any], set[any]> -> boolean', host: true, deprecated: true },
  ],
};
