import type { BuiltinGroup } from './declaration.js';

/** Arrays. */
export const ARRAYS: BuiltinGroup = {
  category: 'array',
  builtins: [
    { name: 'array.concat', signature: 'array[any], array[any] -> array[any]', native: 'b_array_concat', defers: true, host: true },
    { name: 'array.slice', signature: 'array[any], number, number -> array[any]', host: true },
    { name: 'array.reverse', signature: 'array[any] -> array[any]', host: true },
    { name: 'array.flatten', signature: 'array[any] -> array[any]', host: true, unchecked: true },
  ],
};
