import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../../src/builtins/index.js';
import { compile } from '../../src/rego/index.js';
import { CompileError } from '../../src/rego/errors.js';
import { evaluateRego as evaluate } from '../helpers/rego-eval.js';

// OPA's parser allows comprehensions in a default value (evaluated when the default applies,
// always defined) and rejects refs, variables and calls outside them (validateDefaultRuleValue),
// and function defaults with arguments that are not distinct variables (validateDefaultRuleArgs).

test('a default value may be a comprehension, evaluated when no other definition applies', async (t) => {
  const src = `package t
grants contains "read"
grants contains "list"
default object_p := {k: v | some k, v in input.o}
object_p := 1 if input.override
default set_p := {x | grants[x]}
default nested := [1, [x | some x in input.xs]]
default f(_) := [x | some x in input.xs]
f(1) := "one"
calls := [f(1), f(2)]
`;
  t.deepEqual(await evaluate(src, 't/object_p', { o: { a: 1 } }), [{ result: { a: 1 } }]);
  t.deepEqual(await evaluate(src, 't/object_p', { o: { a: 1 }, override: true }), [{ result: 1 }]);
  t.deepEqual(await evaluate(src, 't/object_p', {}), [{ result: {} }]);
  t.deepEqual(await evaluate(src, 't/set_p'), [{ result: ['list', 'read'] }]);
  t.deepEqual(await evaluate(src, 't/nested', { xs: [3] }), [{ result: [1, [3]] }]);
  t.deepEqual(await evaluate(src, 't/calls', { xs: [9] }), [{ result: ['one', [9]] }]);
});

test('a default value holding a ref, variable or call, or repeated or constant function arguments, is a parse error', async (t) => {
  const cases: Array<[string, string]> = [
    ['default p := input.x', 'value cannot contain ref'],
    ['default p := [1, {"a": data.x}]', 'value cannot contain ref'],
    ['default p := x', 'value cannot contain var'],
    ['default p := count([1])', 'value cannot contain call'],
    ['default f(x, x) := 1', 'arguments cannot be repeated x'],
    ['default f(1) := 1', 'arguments cannot contain number'],
  ];
  for (const [rule, message] of cases) {
    const error = await t.throwsAsync(compile({ modules: [{ path: 'p.rego', source: `package t\n${rule}\n` }] }), { instanceOf: CompileError }, rule);
    t.deepEqual(
      error?.diagnostics.map((d) => [d.code, d.line, d.col, d.message]),
      [['rego_parse_error', 2, 1, `illegal default rule (${message})`]],
      rule,
    );
  }
  await t.notThrowsAsync(compile({ modules: [{ path: 'p.rego', source: 'package t\ndefault f(_, _) := {"a": [1]}\n' }] }));
});

// OPA's parseHead gives a head with no value the value `true`, except a two-part ref (`a.b`,
// `a[0]`), and a default rule is validated right after its head, in v0 and v1 alike.
test('`default a` with no value is `default a := true`, in v1 and v0', async (t) => {
  const src = `package t
default allow
allow := false if input.deny
default f(_)
f(1) := "one"
calls := [f(1), f(2)]
default a.b.c
`;
  t.deepEqual(await evaluate(src, 't/allow', {}), [{ result: true }]);
  t.deepEqual(await evaluate(src, 't/allow', { deny: true }), [{ result: false }]);
  t.deepEqual(await evaluate(src, 't/calls', {}), [{ result: ['one', true] }]);
  t.deepEqual(await evaluate(src, 't/a/b/c', {}), [{ result: true }]);
  const wasm = await compile({ modules: [{ path: 'v0.rego', source: 'package v0\ndefault allow\nallow = false { input.deny }\n', regoVersion: 0 }], entrypoints: ['v0/allow'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({}, 'v0/allow'), [{ result: true }]);
  t.deepEqual(policy.evaluate({ deny: true }, 'v0/allow'), [{ result: false }]);
});

test('a default with no value on a two-part ref or a contains head is an error at the rule', async (t) => {
  for (const rule of ['default a.b', 'default a[0]', 'default p contains 1']) {
    const error = await t.throwsAsync(compile({ modules: [{ path: 'p.rego', source: `package t\n${rule}\n` }] }), { instanceOf: CompileError }, rule);
    t.deepEqual(
      error?.diagnostics.map((d) => [d.code, d.line, d.col, d.message]),
      [['rego_parse_error', 2, 1, 'illegal default rule (must have a value)']],
      rule,
    );
  }
});
