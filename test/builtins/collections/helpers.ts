import type { ExecutionContext } from 'ava';
import { BuiltinError } from '../../../src/builtins/errors.js';
import { collectionsBuiltins } from '../../../src/builtins/collections/index.js';
import { valuesEqual } from '../../../src/builtins/collections/rego-order.js';
import { RegoSet, type RegoValue } from '../../../src/builtins/value.js';

export function call(name: string, ...args: RegoValue[]): RegoValue | undefined {
  const impl = collectionsBuiltins[name];
  if (impl === undefined) throw new Error(`no builtin ${name}`);
  return impl(...args);
}

export function set(...items: RegoValue[]): RegoSet {
  return new RegoSet(items);
}

/** Asserts Rego equality (sets and objects regardless of order, 1 == 1n). */
export function same(t: ExecutionContext, actual: RegoValue | undefined, expected: RegoValue): void {
  t.true(actual !== undefined && valuesEqual(actual, expected), `${show(actual)} != ${show(expected)}`);
}

export function show(v: RegoValue | undefined): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint' ? `${x}n` : x instanceof RegoSet ? { set: x.items } : x,
  );
}

/** Asserts the call fails with a BuiltinError of `code` and exactly `message`. */
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
