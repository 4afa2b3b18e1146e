import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile, CompileError } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';

async function evaluate(source: string, entrypoint: string, input?: unknown, data?: unknown) {
  const wasm = await compile({ modules: [{ path: 'p.rego', source }], entrypoints: [entrypoint] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  if (data !== undefined) policy.setData(data as object);
  return policy.evaluate(input as object, entrypoint);
}

async function diagnostics(source: string) {
  try {
    await compile({ modules: [{ path: 'p.rego', source }] });
  } catch (e) {
    if (e instanceof CompileError) return e.diagnostics;
    throw e;
  }
  return [];
}

test('complete, partial set and partial object rules evaluate as in OPA', async (t) => {
  const src = `package t
default allow := false
allow if input.user == "alice"
names contains n if some n in input.names
by_len[n] := count(n) if some n in input.names
`;
  t.deepEqual(await evaluate(src, 't/allow', { user: 'alice' }), [{ result: true }]);
  t.deepEqual(await evaluate(src, 't/allow', { user: 'bob' }), [{ result: false }]);
  t.deepEqual(await evaluate(src, 't/names', { names: ['b', 'a', 'b'] }), [{ result: ['a', 'b'] }]);
  t.deepEqual(await evaluate(src, 't/by_len', { names: ['ab', 'c'] }), [{ result: { ab: 2, c: 1 } }]);
  t.deepEqual(await evaluate(src, 't', { user: 'alice', names: [] }), [{ result: { allow: true, names: [], by_len: {} } }]);
});

test('functions, else chains, every, comprehensions and with', async (t) => {
  const src = `package t
grade(n) := "high" if n > 10 else := "low"
all_pos if every x in input.xs { x > 0 }
doubled := [y | some x in input.xs; y := x * 2]
mocked := y if y := grade(input.n) with input.n as 1
via_with if all_pos with input.xs as [-1]
`;
  t.deepEqual(await evaluate(src, 't/doubled', { xs: [1, 2] }), [{ result: [2, 4] }]);
  t.deepEqual(await evaluate(src, 't/all_pos', { xs: [1, 2] }), [{ result: true }]);
  t.deepEqual(await evaluate(src, 't/all_pos', { xs: [1, -2] }), []);
  t.deepEqual(await evaluate(src, 't/mocked', { xs: [5] }), [{ result: 'low' }]);
  t.deepEqual(await evaluate(src, 't/via_with', { xs: [5] }), []);
});

test('a conflict between complete rule values is an error at evaluation', async (t) => {
  const src = 'package t\np := 1 if input.a\np := 2 if input.b\n';
  await t.throwsAsync(async () => evaluate(src, 't/p', { a: true, b: true }), { any: true });
  t.deepEqual(await evaluate(src, 't/p', { a: true }), [{ result: 1 }]);
});

test('unsafe variables, recursion and unknown functions are compile errors with positions', async (t) => {
  const unsafe = await diagnostics('package t\np if {\n\tx > 1\n}\n');
  t.deepEqual(unsafe.map((d) => [d.code, d.line, d.col]), [['rego_unsafe_var_error', 3, 2]]);
  const rec = await diagnostics('package t\np if q\nq if p\n');
  t.true(rec.some((d) => d.code === 'rego_recursion_error'));
  const unknown = await diagnostics('package t\np if nope(1)\n');
  t.deepEqual(unknown.map((d) => d.code), ['rego_type_error']);
  const parse = await diagnostics('package t\np if {\n');
  t.deepEqual(parse.map((d) => d.code), ['rego_parse_error']);
});

test('a query entrypoint returns binding rows', async (t) => {
  const wasm = await compile({ modules: [{ path: 'p.rego', source: 'package t\nxs := [1, 2, 3]\n' }], query: 'x := data.t.xs[i]; x > 1' });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const rows = policy.evaluate({}, 0) as Array<{ x: number; i: number }>;
  t.deepEqual(rows.map((r) => [r.i, r.x]).sort(), [[1, 2], [2, 3]]);
});

test('deprecated builtins are errors in v1 and allowed in v0', async (t) => {
  const v1 = await diagnostics('package t\np if any([true])\n');
  t.deepEqual(v1.map((d) => d.code), ['rego_type_error']);
  await t.notThrowsAsync(compile({ modules: [{ path: 'p.rego', source: 'package t\np { any([true]) }\n' }], regoVersion: 0 }));
});

test('an entrypoint that refers to no rule is a compile error, as in opa build -e', async (t) => {
  const modules = [{ path: 'p.rego', source: 'package t\np := 1\nq.r.s := 2\nf(x) := x\n' }];
  // Rules, packages and paths into a rule's value are entrypoints; they compile.
  await t.notThrowsAsync(compile({ modules, entrypoints: ['t/p', 't', 'data.t.q', 't/q/r/s', 't/q/r/s/deeper'] }));
  const e = await t.throwsAsync(compile({ modules, entrypoints: ['t/p', 't/nope', 'other', 't/q/x'] }), { instanceOf: CompileError });
  t.deepEqual(
    e?.diagnostics.map((d) => [d.code, d.file, d.line, d.col, d.message]),
    ['t/nope', 't/q/x', 'other'].map((ep) => ['rego_compile_error', '<entrypoint>', 1, 1, `entrypoint "${ep}" does not refer to a rule or policy decision`]).sort((a, b) => String(a[4]).localeCompare(String(b[4]))),
  );
  // Base data is not a rule: an entrypoint into data.json would be undefined whenever the data lacks it.
  await t.throwsAsync(compile({ modules: [{ path: 'p.rego', source: 'package t\nx := data.cfg\n' }], entrypoints: ['cfg'] }), { instanceOf: CompileError });
});

test('`:=` is directional: its value must be bound elsewhere, never through what it assigns (OPA 1.19)', async (t) => {
  const unsafe = async (body: string) => (await diagnostics(`package t\np if {\n\t${body}\n}\n`)).map((d) => [d.code, d.message]);
  t.deepEqual(await unsafe('x := y; x = 7'), [['rego_unsafe_var_error', 'var y is unsafe']]);
  t.deepEqual(await unsafe('obj := {"a": 1}; x := y; obj[x]'), [['rego_unsafe_var_error', 'var y is unsafe']]);
  // Bound by another expression, wherever it stands; iteration on the right is unaffected; `=` still unifies both ways.
  for (const fine of ['x := y; y = 7', '[a, b] := [1, c]; c = 2', 'some k; v := {"a": 1}[k]', 'x := input.xs[i]; i > 0', 'x = y; x = 7']) t.deepEqual(await unsafe(fine), [], fine);
  t.deepEqual(await evaluate('package t\np := x if { x := y; y = 7 }\n', 't/p'), [{ result: 7 }]);
});
