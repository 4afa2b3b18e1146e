import type { ExecutionContext } from 'ava';
import { BuiltinError } from '../../../src/builtins/errors.js';
import { patternsTimeBuiltins } from '../../../src/builtins/patterns-time/index.js';
import type { RegoValue } from '../../../src/builtins/value.js';

export function call(name: string, ...args: RegoValue[]): RegoValue | undefined {
  const impl = patternsTimeBuiltins[name];
  if (impl === undefined) throw new Error(`no builtin ${name}`);
  return impl(...args);
}

/** Asserts that the call raises a BuiltinError with the code and (exact) message. */
export function throwsBuiltin(
  t: ExecutionContext,
  code: BuiltinError['code'],
  message: string | RegExp,
  name: string,
  ...args: RegoValue[]
): void {
  const error = t.throws(() => call(name, ...args), { instanceOf: BuiltinError });
  t.is(error?.code, code);
  if (typeof message === 'string') t.is(error?.message, message);
  else t.regex(error?.message ?? '', message);
}
