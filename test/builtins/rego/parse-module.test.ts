import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../../src/rego/index.js';
import { hostBuiltins } from '../../../src/builtins/index.js';
import { call, fails } from '../helpers.js';

test('rego.parse_module returns the module in OPA JSON form', (t) => {
  const m = call('rego.parse_module', 'x.rego', 'package foo.bar\n\nallow if input.ok\n') as Record<string, unknown>;
  t.deepEqual(m.package, { path: [{ type: 'var', value: 'data' }, { type: 'string', value: 'foo' }, { type: 'string', value: 'bar' }] });
  t.deepEqual(m.rules, [
    {
      head: { name: 'allow', ref: [{ type: 'var', value: 'allow' }], value: { type: 'boolean', value: true } },
      body: [{ index: 0, terms: { type: 'ref', value: [{ type: 'var', value: 'input' }, { type: 'string', value: 'ok' }] } }],
    },
  ]);
});

test("a syntax error is a builtin error in OPA's shape (the conformance case regoparsemodule/error)", (t) => {
  fails(t, 'eval_builtin_error', 'rego.parse_module: 1 error occurred: x.rego:1: rego_parse_error: unexpected eof token: expected ident\n\tpackage foo.\n\t            ^', 'rego.parse_module', 'x.rego', 'package foo.');
});

test('the source is read as Rego v1 and operands must be strings', (t) => {
  fails(t, 'eval_builtin_error', /rego_parse_error: `if` keyword is required before rule body/, 'rego.parse_module', 'x.rego', 'package a\np { true }');
  fails(t, 'eval_type_error', 'rego.parse_module: operand 2 must be string but got number', 'rego.parse_module', 'x.rego', 1);
});

test('a policy can call it, and a parse error fails the evaluation', async (t) => {
  const source = `package t
names := [r.head.name | some r in rego.parse_module("m.rego", input.src).rules]`;
  const wasm = await compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/names'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ src: 'package m\na := 1\nb contains 2' }, 't/names'), [{ result: ['a', 'b'] }]);
  const thrown: unknown = t.throws(() => policy.evaluate({ src: 'package m.' }, 't/names'), { any: true });
  t.regex(String(thrown), /^eval_builtin_error: rego\.parse_module: 1 error occurred: m\.rego:1: rego_parse_error: unexpected eof token/);
});
