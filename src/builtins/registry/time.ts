import type { BuiltinGroup } from './declaration.js';

/** Time. */
export const TIME: BuiltinGroup = {
  category: 'time',
  builtins: [
    { name: 'time.now_ns', signature: ' -> number', host: true, nondeterministic: true },
    { name: 'time.parse_ns', signature: 'string, string -> number', host: true },
    { name: 'time.parse_rfc3339_ns', signature: 'string -> number', host: true },
    { name: 'time.parse_duration_ns', signature: 'string -> number', host: true },
    { name: 'time.format', signature: 'any<number, array[any]> -> string', host: true, unchecked: true },
    { name: 'time.date', signature: 'any<number, array[any]> -> array[number]', host: true, unchecked: true },
    { name: 'time.clock', signature: 'any<number, array[any]> -> array[number]', host: true, unchecked: true },
    { name: 'time.weekday', signature: 'any<number, array[any]> -> string', host: true, unchecked: true },
    { name: 'time.add_date', signature: 'number, number, number, number -> number', host: true, unchecked: true },
    { name: 'time.diff', signature: 'any<number, array[any]>, any<number, array[any]> -> array[number]', host: true, unchecked: true },
  ],
};
