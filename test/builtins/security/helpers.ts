import type { ExecutionContext } from 'ava';
import { BuiltinError } from '../../../src/builtins/errors.js';
import { securityBuiltins } from '../../../src/builtins/security/index.js';
import type { RegoValue } from '../../../src/builtins/value.js';

export function call(name: string, ...args: RegoValue[]): RegoValue | undefined {
  const impl = securityBuiltins[name];
  if (impl === undefined) throw new Error(`no builtin ${name}`);
  return impl(...args);
}

/** Asserts the call fails with a BuiltinError of `code` whose message is `message` (or matches it). */
export function fails(
  t: ExecutionContext,
  code: 'eval_type_error' | 'eval_builtin_error',
  message: string | RegExp,
  name: string,
  ...args: RegoValue[]
): void {
  const err = t.throws(() => call(name, ...args), { instanceOf: BuiltinError });
  t.is(err?.code, code);
  if (typeof message === 'string') t.is(err?.message, message);
  else t.regex(err?.message ?? '', message);
}

export function sorted(v: RegoValue | undefined): RegoValue[] {
  const items = (v as { items?: RegoValue[] }).items ?? (v as RegoValue[]);
  return [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
