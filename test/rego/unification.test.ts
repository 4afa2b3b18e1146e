import test from 'ava';
import { evaluateRego as evaluate } from '../helpers/rego-eval.js';

// OPA's unifier reaches a fixpoint: a variable on both sides, or bound only by a later
// expression, is fine as long as some order binds everything.

test('array and object literals unify element by element in whatever order binds them', async (t) => {
  const src = `package t
cross := [x, y] if [x, y] = [y, 1]
refs := x if [x, input.y] = [data.z, 1]
objects := [x, y] if {"a": x, "b": 2} = {"a": 1, "b": y}
nested := [x, y] if [[x, 1], y] = [[2, input.a], input.b]
repeated := x if [x, x] = [input.a, input.b]
`;
  const data = { z: 5 };
  t.deepEqual(await evaluate(src, 't/cross'), [{ result: [1, 1] }]);
  t.deepEqual(await evaluate(src, 't/refs', { y: 1 }, data), [{ result: 5 }]);
  t.deepEqual(await evaluate(src, 't/refs', { y: 2 }, data), []);
  t.deepEqual(await evaluate(src, 't/objects'), [{ result: [1, 2] }]);
  t.deepEqual(await evaluate(src, 't/nested', { a: 1, b: 7 }), [{ result: [2, 7] }]);
  t.deepEqual(await evaluate(src, 't/nested', { a: 3, b: 7 }), []);
  t.deepEqual(await evaluate(src, 't/repeated', { a: 4, b: 4 }), [{ result: 4 }]);
  t.deepEqual(await evaluate(src, 't/repeated', { a: 4, b: 5 }), []);
});

test('a variable left unbound by one unification is bound by a later expression', async (t) => {
  const src = `package t
chain := [a, b, c] if {
  [a, b] = [c, 1]
  c = b
}
later := x if {
  {"a": x, "b": y} = {"a": z, "b": input.b}
  z = y
}
`;
  t.deepEqual(await evaluate(src, 't/chain'), [{ result: [1, 1, 1] }]);
  t.deepEqual(await evaluate(src, 't/later', { b: 'v' }), [{ result: 'v' }]);
  t.deepEqual(await evaluate(src, 't/later', {}), []);
});

test('literals that cannot unify, and negated unifications, keep their meaning', async (t) => {
  const src = `package t
lengths if [input.a, 1] = [1]
keys if {"a": input.a} = {"b": 1}
negated if not [input.a, 1] = [2, 1]
`;
  t.deepEqual(await evaluate(src, 't/lengths', { a: 1 }), []);
  t.deepEqual(await evaluate(src, 't/keys', { a: 1 }), []);
  t.deepEqual(await evaluate(src, 't/negated', { a: 3 }), [{ result: true }]);
  t.deepEqual(await evaluate(src, 't/negated', { a: 2 }), []);
  t.deepEqual(await evaluate(src, 't/negated', {}), []);
});
