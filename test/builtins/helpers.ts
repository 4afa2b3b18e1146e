import type { ExecutionContext } from 'ava';
import { BuiltinError } from '../../src/builtins/errors.js';
import { HOST_TABLE } from '../../src/builtins/host-table.js';
import { valuesEqual } from '../../src/builtins/rego-order.js';
import { RegoSet, type RegoValue } from '../../src/builtins/value.js';

/** Calls the host implementation of builtin `name`. */
export function call(name: string, ...args: RegoValue[]): RegoValue | undefined {
  const impl = HOST_TABLE[name];
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

/** Items of an array or set result, in a stable order. */
export function sorted(v: RegoValue | undefined): RegoValue[] {
  const items = (v as { items?: RegoValue[] }).items ?? (v as RegoValue[]);
  return [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** Asserts the call fails with a BuiltinError of `code` whose message is `message` (or matches it). */
export function fails(
  t: ExecutionContext,
  code: BuiltinError['code'],
  message: string | RegExp,
  name: string,
  ...args: RegoValue[]
): void {
  const err = t.throws(() => call(name, ...args), { instanceOf: BuiltinError });
  t.is(err?.code, code);
  if (typeof message === 'string') t.is(err?.message, message);
  else t.regex(err?.message ?? '', message);
}
