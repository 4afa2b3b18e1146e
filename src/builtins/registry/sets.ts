import type { BuiltinGroup } from './declaration.js';

/** Sets. */
export const SETS: BuiltinGroup = {
  category: 'sets',
  builtins: [
    { name: 'and', signature: 'set[any], set[any] -> set[any]', native: 'b_and', defers: true, host: true },
    { name: 'or', signature: 'set[any], set[any] -> set[any]', native: 'b_or', defers: true, host: true },
    { name: 'intersection', signature: 'set[set[any]] -> set[any]', host: true },
    { name: 'union', signature: 'set[set[any]] -> set[any]', host: true },
    { name: 'set_diff', signature: 'set[any], set[any] -> set[any]', host: true, deprecated: true },
  ],
};
