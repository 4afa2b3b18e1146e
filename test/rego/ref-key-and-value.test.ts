import test from 'ava';
import { evaluateRego as evaluate } from '../helpers/rego-eval.js';

// A variable that is a ref's key and also the other side of the same expression: the ref is
// evaluated first (iterating the keys binds the variable once), then the rest compares against
// that binding. OPA's planner checks whether a unification's variable became bound while the other
// side was planned, and its compiler moves refs out of call arguments first.

test('== between a ref key variable and the ref value compares after the key binds it', async (t) => {
  const src = `package t
p := foo if { some foo; foo == input.foos[foo] }
`;
  t.deepEqual(await evaluate(src, 't/p', { foos: [2, 1, 0] }), [{ result: 1 }]);
  t.deepEqual(await evaluate(src, 't/p', { foos: ['foo'] }), []);
});

test('= binds the key once and compares the value against it, never overwriting', async (t) => {
  const src = `package t
s contains x if { x = input.foos[x] }
o contains k if k = input.o[k]
reversed contains k if input.o[k] = k
deep contains [x, y] if input.m[x][y] = x
`;
  t.deepEqual(await evaluate(src, 't/s', { foos: [2, 1, 0] }), [{ result: [1] }]);
  t.deepEqual(await evaluate(src, 't/o', { o: { a: 'a', b: 'c' } }), [{ result: ['a'] }]);
  t.deepEqual(await evaluate(src, 't/reversed', { o: { a: 'a', b: 'c' } }), [{ result: ['a'] }]);
  t.deepEqual(await evaluate(src, 't/deep', { m: { a: { b: 'a', c: 'x' }, q: { r: 'r' } } }), [{ result: [['a', 'b']] }]);
});

test('other comparisons and calls see the key binding, not an unsafe variable', async (t) => {
  const src = `package t
differs contains i if { some i; i != input.xs[i] }
below contains i if { some i; i < input.xs[i] }
adds_to_four contains i if { some i; plus(i, input.xs[i]) == 4 }
nested contains i if { some i; abs(input.xs[i] - i) == 1 }
under_with contains i if { some i; i < input.xs[i] with input.xs as [1, 0, 3] }
`;
  const input = { xs: [0, 2, 2, 5] };
  t.deepEqual(await evaluate(src, 't/differs', input), [{ result: [1, 3] }]);
  t.deepEqual(await evaluate(src, 't/below', input), [{ result: [1, 3] }]);
  t.deepEqual(await evaluate(src, 't/adds_to_four', input), [{ result: [2] }]);
  t.deepEqual(await evaluate(src, 't/nested', input), [{ result: [1] }]);
  // The ref moved out of the comparison is evaluated under the expression's with.
  t.deepEqual(await evaluate(src, 't/under_with', input), [{ result: [0, 2] }]);
});

test('composite sides holding a ref keyed by a variable of the other side', async (t) => {
  const src = `package t
pair contains x if [x, input.a[x]] = [input.k, "v"]
obj contains x if {"k": x, "v": input.a[x]} = input.want
keyed contains x if {x: input.a[x]} = input.one
`;
  t.deepEqual(await evaluate(src, 't/pair', { k: 'b', a: { b: 'v', c: 'v' } }), [{ result: ['b'] }]);
  t.deepEqual(await evaluate(src, 't/pair', { k: 'b', a: { b: 'w', c: 'v' } }), [{ result: [] }]);
  t.deepEqual(await evaluate(src, 't/obj', { want: { k: 'c', v: 2 }, a: { b: 2, c: 2 } }), [{ result: ['c'] }]);
  t.deepEqual(await evaluate(src, 't/obj', { want: { k: 'c', v: 1 }, a: { b: 2, c: 2 } }), [{ result: [] }]);
  t.deepEqual(await evaluate(src, 't/keyed', { one: { b: 2 }, a: { b: 2, c: 2 } }), [{ result: ['b'] }]);
  t.deepEqual(await evaluate(src, 't/keyed', { one: { b: 3 }, a: { b: 2, c: 3 } }), [{ result: [] }]);
});

test('a key-bound comparison never allows what does not match (fail closed)', async (t) => {
  const src = `package t
default allow := false
allow if { some role; role == input.grants[role] }
`;
  t.deepEqual(await evaluate(src, 't/allow', { grants: { admin: 'viewer', viewer: 'editor' } }), [{ result: false }]);
  t.deepEqual(await evaluate(src, 't/allow', { grants: { admin: 'admin' } }), [{ result: true }]);
});

test('negated: the key iteration stays inside the not', async (t) => {
  const src = `package t
none_fixed if not some_fixed
some_fixed if { some i; i == input.xs[i] }
`;
  t.deepEqual(await evaluate(src, 't/none_fixed', { xs: [1, 0] }), [{ result: true }]);
  t.deepEqual(await evaluate(src, 't/none_fixed', { xs: [1, 1] }), []);
});
