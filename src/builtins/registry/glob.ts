import type { BuiltinGroup } from './declaration.js';

/** Globs. */
export const GLOB: BuiltinGroup = {
  category: 'glob',
  builtins: [
    { name: 'glob.match', signature: 'string, any<array[string], null>, string -> boolean', host: true, unchecked: true },
    { name: 'glob.quote_meta', signature: 'string -> string', host: true },
  ],
};
