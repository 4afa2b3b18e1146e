import type { BuiltinGroup } from './declaration.js';

/** Graphs. */
export const GRAPH: BuiltinGroup = {
  category: 'graph',
  builtins: [
    { name: 'walk', signature: 'any -> array[any]', host: true, unchecked: true },
    { name: 'graph.reachable', signature: 'object[any: any<set[any], array[any]>], any<set[any], array[any]> -> set[any]', host: true, unchecked: true },
    { name: 'graph.reachable_paths', signature: 'object[any: any<set[any], array[any]>], any<set[any], array[any]> -> set[array[any]]', host: true, unchecked: true },
  ],
};
