import type { HostBuiltinTable } from '../host-builtin.js';
import { patternBuiltins } from './pattern-builtins.js';
import { timeBuiltins } from './time-builtins.js';

/** Regular expressions, globs and time: OPA's `regex.*`, `re_match`, `glob.*` and `time.*`. */
export const patternsTimeBuiltins: HostBuiltinTable = {
  ...patternBuiltins,
  ...timeBuiltins,
};
