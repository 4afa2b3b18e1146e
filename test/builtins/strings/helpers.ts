import type { ExecutionContext } from 'ava';
import { BuiltinError } from '../../../src/builtins/errors.js';
import { stringsBuiltins } from '../../../src/builtins/strings/index.js';
import type { RegoValue } from '../../../src/builtins/value.js';

export function call(name: string, ...args: RegoValue[]): RegoValue | undefined {
  const impl = stringsBuiltins[name];
  if (impl === undefined) throw new Error(`no builtin ${name}`);
  return impl(...args);
}

/** Asserts the call fails with a BuiltinError of `code` whose message contains `message`. */
export function fails(
  t: ExecutionContext,
  code: 'eval_type_error' | 'eval_builtin_error',
  message: string,
  name: string,
  ...args: RegoValue[]
): void {
  const err = t.throws(() => call(name, ...args), { instanceOf: BuiltinError });
  t.is(err?.code, code);
  t.is(err?.message, message);
}
