import type { BuiltinGroup } from './declaration.js';

/** Regular expressions. */
export const REGEX: BuiltinGroup = {
  category: 'regex',
  builtins: [
    { name: 're_match', signature: 'string, string -> boolean', host: true, deprecated: true },
    { name: 'regex.match', signature: 'string, string -> boolean', host: true },
    { name: 'regex.is_valid', signature: 'string -> boolean', host: true, unchecked: true },
    { name: 'regex.split', signature: 'string, string -> array[string]', host: true },
    { name: 'regex.find_n', signature: 'string, string, number -> array[string]', host: true },
    { name: 'regex.find_all_string_submatch_n', signature: 'string, string, number -> array[array[string]]', host: true, unchecked: true },
    { name: 'regex.replace', signature: 'string, string, string -> string', host: true },
    { name: 'regex.template_match', signature: 'string, string, string, string -> boolean', host: true, unchecked: true },
    { name: 'regex.globs_match', signature: 'string, string -> boolean', host: true },
  ],
};
