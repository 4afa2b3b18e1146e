import type { BuiltinGroup } from './declaration.js';

/** Strings. */
export const STRINGS: BuiltinGroup = {
  category: 'strings',
  builtins: [
    { name: 'internal.template_string', signature: 'array[any] -> string', categories: ['internal'], host: true, unchecked: true },
    { name: 'concat', signature: 'string, any<array[string], set[string]> -> string', host: true },
    { name: 'contains', signature: 'string, string -> boolean', host: true },
    { name: 'endswith', signature: 'string, string -> boolean', native: 'b_endswith', defers: true, host: true },
    { name: 'startswith', signature: 'string, string -> boolean', native: 'b_startswith', defers: true, host: true },
    { name: 'format_int', signature: 'number, number -> string', host: true },
    { name: 'indexof', signature: 'string, string -> number', host: true },
    { name: 'indexof_n', signature: 'string, string -> array[number]', host: true },
    { name: 'lower', signature: 'string -> string', host: true },
    { name: 'upper', signature: 'string -> string', host: true },
    { name: 'replace', signature: 'string, string, string -> string', host: true },
    { name: 'split', signature: 'string, string -> array[string]', host: true },
    { name: 'sprintf', signature: 'string, array[any] -> string', native: 'b_sprintf', defers: true, host: true },
    { name: 'substring', signature: 'string, number, number -> string', host: true },
    { name: 'trim', signature: 'string, string -> string', host: true },
    { name: 'trim_left', signature: 'string, string -> string', host: true },
    { name: 'trim_prefix', signature: 'string, string -> string', host: true },
    { name: 'trim_right', signature: 'string, string -> string', host: true },
    { name: 'trim_suffix', signature: 'string, string -> string', host: true },
    { name: 'trim_space', signature: 'string -> string', host: true },
    { name: 'strings.any_prefix_match', signature: 'any<string, set[string], array[string]>, any<string, set[string], array[string]> -> boolean', host: true, unchecked: true },
    { name: 'strings.any_suffix_match', signature: 'any<string, set[string], array[string]>, any<string, set[string], array[string]> -> boolean', host: true, unchecked: true },
    { name: 'strings.count', signature: 'string, string -> number', host: true },
    { name: 'strings.replace_n', signature: 'object[string: string], string -> string', host: true },
    { name: 'strings.reverse', signature: 'string -> string', host: true },
    { name: 'strings.render_template', signature: 'string, object[string: any] -> string', host: true, unchecked: true },
  ],
};
