import test from 'ava';
import { evaluateRego as evaluate } from '../helpers/rego-eval.js';

// OPA declares walk a relation: wherever `walk(x)` appears, each [path, value] pair is one
// solution of the enclosing expression (the compiler gives the call an output variable of its own).

const doc = { a: { x: 1, y: 2 }, b: ['s'] };

test('walk(x, [path, value]) and walk(x, pair) give one pair per solution', async (t) => {
  const src = `package t
pairs := [[q, v] | walk(input, [q, v])]
whole := [pair | walk(input, pair)]
assigned := [pair | pair := walk(input)]
`;
  const want = [[[], { a: 1 }], [['a'], 1]];
  t.deepEqual(await evaluate(src, 't/pairs', { a: 1 }), [{ result: want }]);
  t.deepEqual(await evaluate(src, 't/whole', { a: 1 }), [{ result: want }]);
  t.deepEqual(await evaluate(src, 't/assigned', { a: 1 }), [{ result: want }]);
});

test('`some v in walk(x)` ranges over each pair’s elements, as any collection expression would', async (t) => {
  const src = 'package t\nvalues := [v | some v in walk(input)]\nindices := [i | some i, _ in walk(input)]\n';
  t.deepEqual(await evaluate(src, 't/values', { a: 1 }), [{ result: [[], { a: 1 }, ['a'], 1] }]);
  t.deepEqual(await evaluate(src, 't/indices', { a: 1 }), [{ result: [0, 1, 0, 1] }]);
});

test('walk(x) as a call argument, a ref head or a rule value is evaluated per pair', async (t) => {
  const src = `package t
sizes := {n | n := count(walk(input))}
paths contains q if q := walk(input)[0]
only := walk(input)
`;
  t.deepEqual(await evaluate(src, 't/sizes', doc), [{ result: [2] }]);
  t.deepEqual(await evaluate(src, 't/paths', { a: { b: 1 } }), [{ result: [[], ['a'], ['a', 'b']] }]);
  t.deepEqual(await evaluate(src, 't/only', 7), [{ result: [[], 7] }]);
  const failure = await evaluate(src, 't/only', { a: 1 }).then(() => 'no error', (e: unknown) => String(e));
  t.regex(failure, /eval_conflict_error/);
});

test('patterns with partly ground paths select and bind; a ground pattern is a membership test', async (t) => {
  const src = `package t
under_a := {k: v | walk(input, [["a", k], v])}
top_keys := {k | walk(input, [[k, _], _])}
has_x if walk(input, [["a", "x"], 1])
no_z if not walk(input, [["a", "z"], _])
`;
  t.deepEqual(await evaluate(src, 't/under_a', doc), [{ result: { x: 1, y: 2 } }]);
  t.deepEqual(await evaluate(src, 't/top_keys', doc), [{ result: ['a', 'b'] }]);
  t.deepEqual(await evaluate(src, 't/has_x', doc), [{ result: true }]);
  t.deepEqual(await evaluate(src, 't/has_x', { a: { x: 2 } }), []);
  t.deepEqual(await evaluate(src, 't/no_z', doc), [{ result: true }]);
  t.deepEqual(await evaluate(src, 't/no_z', { a: { z: null } }), []);
});
