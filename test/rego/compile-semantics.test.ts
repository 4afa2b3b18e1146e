import test from 'ava';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compile } from '../../src/rego/index.js';
import { hostBuiltins } from '../../src/builtins/index.js';

async function evaluate(source: string, entrypoint: string, input?: unknown, data?: unknown) {
  const wasm = await compile({ modules: [{ path: 'p.rego', source }], entrypoints: [entrypoint] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  if (data !== undefined) policy.setData(data as object);
  return policy.evaluate(input as object, entrypoint);
}

test('a brace right after `if` is one expression when it is a comprehension, else a body', async (t) => {
  const src = `package t
keys := object.keys(x) if x := {k: 1 | some k in input.ks}
ok if {k: 1 | some k in input.ks}
set_body if { input.a }
`;
  t.deepEqual(await evaluate(src, 't/ok', { ks: ['a'] }), [{ result: true }]);
  t.deepEqual(await evaluate(src, 't/set_body', { a: true }), [{ result: true }]);
  t.deepEqual(await evaluate(src, 't/set_body', { a: false }), []);
});

test('`with` inside a template string applies to that value only', async (t) => {
  const src = 'package t\na := input.a\np := $"got {a with input as {"a": 42}} and {a}"\n';
  t.deepEqual(await evaluate(src, 't/p', { a: 1 }), [{ result: 'got 42 and 1' }]);
});

test('calls in function argument patterns are evaluated after the body binds their variables', async (t) => {
  const src = 'package t\np := f("foo bar")\nf($"{x} {input.y}") := 42 if x = "foo"\n';
  t.deepEqual(await evaluate(src, 't/p', { y: 'bar' }), [{ result: 42 }]);
  t.deepEqual(await evaluate(src, 't/p', { y: 'baz' }), []);
});

test('a `with` replacement function sees no other function mocks, while its arguments do', async (t) => {
  const src = `package t
boom(x) := 1 / 0
g(x) := count(x)
p if q with count as boom
q if r with object.union_n as g
r if object.union_n([{}, {}]) == 2
`;
  t.deepEqual(await evaluate(src, 't/p'), [{ result: true }]);
  const args = `package t
fake_decode(x) := {"owner": x}
fake_fetch(_) := "alice"
claims := decode(fetch(1))
decode(x) := x
fetch(x) := x
p if claims.owner == "alice" with decode as fake_decode with fetch as fake_fetch
`;
  t.deepEqual(await evaluate(args, 't/p'), [{ result: true }]);
});

test('rules below a rule with variable keys are one document: sets union, clashes conflict', async (t) => {
  const sets = 'package t\np[q] contains r if { some q in ["a", "b"]; some r in ["x"] }\np.b contains "foo"\n';
  t.deepEqual(await evaluate(sets, 't/p'), [{ result: { a: ['x'], b: ['foo', 'x'] } }]);
  const clash = 'package t\np[q].r.s := i if q := ["a", "b"][i]\np.a.r := 42\n';
  await t.throwsAsync(async () => evaluate(clash, 't/p'), { any: true });
  const inject = 'package t\np[q].r := {"s": 1} if q := "q"\np.q.r.t := 2\n';
  await t.throwsAsync(async () => evaluate(inject, 't/p'), { any: true });
  const fine = 'package t\np[q].r := 1 if q := "a"\np.b.r := 2\n';
  t.deepEqual(await evaluate(fine, 't/p'), [{ result: { a: { r: 1 }, b: { r: 2 } } }]);
});

test('an integer key into stored data also finds the object key spelled the same', async (t) => {
  const src = 'package t\np := data.nested[2]\nq := data.list[1]\nr := o[2] if o := data.nested\n';
  const data = { nested: { '2': 'bar' }, list: ['a', 'b'] };
  t.deepEqual(await evaluate(src, 't/p', undefined, data), [{ result: 'bar' }]);
  t.deepEqual(await evaluate(src, 't/q', undefined, data), [{ result: 'b' }]);
  t.deepEqual(await evaluate(src, 't/r', undefined, data), []);
});

test('rand.intn gives one value per arguments within an evaluation', async (t) => {
  const src = 'package t\np := [rand.intn("k", 1000000) | some _ in numbers.range(1, 5)]\n';
  const { result } = ((await evaluate(src, 't/p')) as Array<{ result: number[] }>)[0]!;
  t.is(new Set(result).size, 1);
});

test('uuid.rfc4122 gives one UUID per key within an evaluation and a new one in the next', async (t) => {
  const source = 'package t\nq := uuid.rfc4122("k")\np := {"a": q, "b": [uuid.rfc4122("k") | some _ in numbers.range(1, 3)], "other": uuid.rfc4122("j")}\n';
  const wasm = await compile({ modules: [{ path: 'p.rego', source }], entrypoints: ['t/p'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  type Uuids = Array<{ result: { a: string; b: string[]; other: string } }>;
  const { result: first } = (policy.evaluate({}, 't/p') as Uuids)[0]!;
  const { result: second } = (policy.evaluate({}, 't/p') as Uuids)[0]!;
  t.deepEqual(first.b, [first.a, first.a, first.a]);
  t.not(first.other, first.a);
  t.not(second.a, first.a);
  t.not(second.other, first.other);
  t.deepEqual(second.b, [second.a, second.a, second.a]);
});

test('time.now_ns is one value within an evaluation and read again in the next', async (t) => {
  const source = 'package t\na := time.now_ns()\np := [a, time.now_ns(), [time.now_ns() | some _ in numbers.range(1, 2)]]\n';
  const wasm = await compile({ modules: [{ path: 'p.rego', source }], entrypoints: ['t/p'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const now = () => (policy.evaluate({}, 't/p') as Array<{ result: [number, number, number[]] }>)[0]!.result;
  const first = now();
  t.deepEqual(first, [first[0], first[0], [first[0], first[0]]]);
  await new Promise((resolve) => setTimeout(resolve, 5));
  t.true(now()[0] > first[0]);
});

test('errors in rules no entrypoint reaches are still reported, as OPA compiles every rule', async (t) => {
  const source = 'package t\nallow if input.a\nother if { x > 1 }\n';
  const error = await t.throwsAsync(async () => compile({ modules: [{ path: 't.rego', source }], entrypoints: ['t/allow'] }));
  t.regex(error!.message, /t\.rego:3:12: rego_unsafe_var_error: var x is unsafe/);
});

test('modules may carry their own Rego version', async (t) => {
  const v0 = { path: 'old.rego', source: 'package old\nnames[n] { n := input.names[_] }\n', regoVersion: 0 as const };
  const v1 = { path: 'new.rego', source: 'package new\ncount_names := count(data.old.names)\n' };
  const wasm = await compile({ modules: [v0, v1], entrypoints: ['new/count_names'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ names: ['a', 'b', 'a'] }, 'new/count_names'), [{ result: 2 }]);
  await t.throwsAsync(compile({ modules: [{ ...v0, regoVersion: undefined }, v1] }), { message: /old\.rego:2/ });
});

test('very large policies compile: long literals, and bodies deeper than the default stack', async (t) => {
  const items = Array.from({ length: 20000 }, (_, i) => `"item${i}"`).join(', ');
  const body = Array.from({ length: 3000 }, (_, i) => `  input.x != ${i}`).join('\n');
  const source = `package big\nitems := {${items}}\nlong if {\n${body}\n}\nlisted if input.x in items\n`;
  const wasm = await compile({ modules: [{ path: 'big.rego', source }], entrypoints: ['big/long', 'big/listed'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ x: 3000 }, 'big/long'), [{ result: true }]);
  t.deepEqual(policy.evaluate({ x: 2999 }, 'big/long'), []);
  t.deepEqual(policy.evaluate({ x: 'item19999' }, 'big/listed'), [{ result: true }]);
});

test('v0: several bodies after one head are several definitions; a function of no arguments is usable as a value', async (t) => {
  const source = 'package v0\nkind_ok(k) = true { k == "Pod" } { k == "Job" }\nsample() = {"kind": "Job"}\nok { kind_ok(sample.kind) }\n';
  const wasm = await compile({ modules: [{ path: 'v0.rego', source, regoVersion: 0 }], entrypoints: ['v0/ok'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({}, 'v0/ok'), [{ result: true }]);
});

test('trace is true and leaves no mark on the result', async (t) => {
  t.deepEqual(await evaluate('package t\np if { trace("checking"); input.x == 1 }\n', 't/p', { x: 1 }), [{ result: true }]);
});

test('future keywords and, or and not-blocks; iterating head values; repeated function argument variables', async (t) => {
  const source = `package f
import future.keywords

small(n) if n < 10 or n > 100 and n < 200
both if { input.a == 1 } or { input.b == 2; input.c == 3 }
none_admin if not {
  some u in input.users
  u.admin
}
agg[file] := input.files[file].common if some file
same(["k", x], x)
same_ok if same(["k", "v"], "v")
`;
  const wasm = await compile({ modules: [{ path: 'f.rego', source, regoVersion: 0 }], entrypoints: ['f/both', 'f/none_admin', 'f/agg', 'f/same_ok', 'f'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const doc = (input: object) => (policy.evaluate(input, 'f') as Array<{ result: Record<string, unknown> }>)[0]!.result;
  t.like(doc({ a: 1, users: [{ admin: false }] }), { both: true, none_admin: true, same_ok: true });
  t.false('both' in doc({ a: 2, b: 2, c: 4 }));
  t.true(doc({ a: 2, b: 2, c: 3 }).both as boolean);
  t.false('none_admin' in doc({ users: [{ admin: true }] }));
  t.deepEqual(doc({ files: { x: { common: 1 }, y: { common: 2 } } }).agg, { x: 1, y: 2 });
  const small = await compile({ modules: [{ path: 'f.rego', source: `${source}\nr := [n | some n in [5, 50, 150, 250]; small(n)]\n`, regoVersion: 0 }], entrypoints: ['f/r'] });
  const p2 = await loadPolicy(small, undefined, hostBuiltins);
  t.deepEqual(p2.evaluate({}, 'f/r'), [{ result: [5, 150] }]);
});

test('unsafe variables are named as written, not by their internal names', async (t) => {
  const error = await t.throwsAsync(compile({ modules: [{ path: 'u.rego', source: 'package u\np if {\n  some file\n  count(file) > 1\n}\n' }] }));
  t.regex(error!.message, /var file is unsafe/);
  t.notRegex(error!.message, /__local/);
});

test('a rule that dispatches to sibling packages by a variable key does not depend on itself', async (t) => {
  const modules = [
    { path: 'main.rego', source: 'package lsp.main\neval := data.lsp[h].result if h := input.handler\n' },
    { path: 'hover.rego', source: 'package lsp.hover\nresult := {"hover": input.x}\n' },
    { path: 'lens.rego', source: 'package lsp.lens\nresult := "lens"\nother := 1\n' },
  ];
  const wasm = await compile({ modules, entrypoints: ['lsp/main/eval'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  t.deepEqual(policy.evaluate({ handler: 'hover', x: 1 }, 'lsp/main/eval'), [{ result: { hover: 1 } }]);
  t.deepEqual(policy.evaluate({ handler: 'lens' }, 'lsp/main/eval'), [{ result: 'lens' }]);
  t.deepEqual(policy.evaluate({ handler: 'main' }, 'lsp/main/eval'), []);
});

test('calls nested in a negated expression run before it, outside the negation, as OPA compiles them', async (t) => {
  const source = `package neg
f(x) := {"foo": true} if x == "yes"
lowered if not startswith(lower(input.x), "a")
looked_up if not f("bar").foo
plain if not startswith(input.name, "a")
`;
  const wasm = await compile({ modules: [{ path: 'neg.rego', source }], entrypoints: ['neg'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins);
  const doc = (input: object) => (policy.evaluate(input, 'neg') as Array<{ result: unknown }>)[0]!.result;
  t.deepEqual(doc({ name: 'bob' }), { plain: true });
  t.deepEqual(doc({ x: 'Bob', name: 'alice' }), { lowered: true });
});

test('an import may come after rules, as OPA allows, and holds for the whole module', async (t) => {
  const src = `package t
before := lib.limit
import data.config.lib
after if lib.limit > 1
import input.user as who
named := who.name
`;
  const data = { config: { lib: { limit: 3 } } };
  t.deepEqual(await evaluate(src, 't/before', {}, data), [{ result: 3 }]);
  t.deepEqual(await evaluate(src, 't/after', {}, data), [{ result: true }]);
  t.deepEqual(await evaluate(src, 't/named', { user: { name: 'ada' } }, data), [{ result: 'ada' }]);
});
