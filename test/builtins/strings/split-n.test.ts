import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../../../src/builtins/index.js';
import { compile } from '../../../src/rego/index.js';
import { call, fails } from '../helpers.js';

test('strings.split_n keeps the first n parts and drops the rest', (t) => {
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', 1), ['x']);
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', 2), ['x', 'y']);
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', 3), ['x', 'y', 'z']);
  t.deepEqual(call('strings.split_n', 'x//z/', '/', 4), ['x', '', 'z', '']);
  t.deepEqual(call('strings.split_n', 'a::b::c', '::', 2), ['a', 'b']);
});

test('strings.split_n with a negative n keeps the last -n parts', (t) => {
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', -1), ['z']);
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', -2), ['y', 'z']);
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', -3), ['x', 'y', 'z']);
  t.deepEqual(call('strings.split_n', 'a::b::c', '::', -2), ['b', 'c']);
});

test('strings.split_n: zero parts for 0, every part when n reaches past either end', (t) => {
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', 0), []);
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', 7), ['x', 'y', 'z']);
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', -7), ['x', 'y', 'z']);
  // Past JavaScript's uint32 split limit and at Go's int64 bounds.
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', 2 ** 40), ['x', 'y', 'z']);
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', 9223372036854775807n), ['x', 'y', 'z']);
  t.deepEqual(call('strings.split_n', 'x/y/z', '/', -9223372036854775808n), ['x', 'y', 'z']);
});

test('strings.split_n without the separator, on an empty string, and with an empty separator (code points)', (t) => {
  t.deepEqual(call('strings.split_n', 'xyz', '/', 2), ['xyz']);
  t.deepEqual(call('strings.split_n', 'xyz', '/', -2), ['xyz']);
  t.deepEqual(call('strings.split_n', '', '/', 2), ['']);
  t.deepEqual(call('strings.split_n', '', '/', -2), ['']);
  t.deepEqual(call('strings.split_n', 'a😀bc', '', 2), ['a', '😀']);
  t.deepEqual(call('strings.split_n', 'a😀bc', '', -3), ['😀', 'b', 'c']);
  t.deepEqual(call('strings.split_n', '', '', 2), []);
});

test('strings.split_n names the operand that is wrong, in OPA words', (t) => {
  fails(t, 'eval_type_error', 'strings.split_n: operand 3 must be integer number but got floating-point number', 'strings.split_n', 'x/y', '/', 1.5);
  fails(t, 'eval_type_error', 'strings.split_n: operand 3 must be integer number but got floating-point number', 'strings.split_n', 'x/y', '/', 2n ** 64n);
  fails(t, 'eval_type_error', 'strings.split_n: operand 3 must be number but got string', 'strings.split_n', 'x/y', '/', '2');
  fails(t, 'eval_type_error', 'strings.split_n: operand 2 must be string but got null', 'strings.split_n', 'x/y', null, 2);
  fails(t, 'eval_type_error', 'strings.split_n: operand 1 must be string but got array', 'strings.split_n', ['x'], '/', 2);
});

const policy = `package t
pair := [name, mail] if [name, mail] := strings.split_n(input.user, ";", 2)
tail := strings.split_n(input.path, "/", input.n)
`;

async function evaluate(entrypoint: string, input: unknown) {
  const wasm = await compile({ modules: [{ path: 't.rego', source: policy }], entrypoints: [entrypoint] });
  const loaded = await loadPolicy(wasm, undefined, hostBuiltins);
  return loaded.evaluate(input as object, entrypoint);
}

test('a policy calling strings.split_n compiles, evaluates, and fails on a fractional n', async (t) => {
  t.deepEqual(await evaluate('t/pair', { user: 'ann;ann@example.org;admin' }), [{ result: ['ann', 'ann@example.org'] }]);
  t.deepEqual(await evaluate('t/pair', { user: 'ann' }), []);
  t.deepEqual(await evaluate('t/tail', { path: '/a/b/c', n: -2 }), [{ result: ['b', 'c'] }]);
  // The SDK rethrows the module's strict builtin error as a string.
  const err: unknown = await t.throwsAsync(evaluate('t/tail', { path: '/a/b/c', n: 0.5 }), { any: true });
  t.regex(String(err), /^eval_type_error: strings\.split_n: operand 3 must be integer number but got floating-point number/);
});
