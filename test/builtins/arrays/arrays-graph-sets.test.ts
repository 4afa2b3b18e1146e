import test from 'ava';
import { RegoObjectEntries, RegoSet } from '../../../src/builtins/value.js';
import { call, fails, same, set } from '../helpers.js';

test('array.concat, array.reverse and array.flatten', (t) => {
  t.deepEqual(call('array.concat', [1, 2], [3, 4]), [1, 2, 3, 4]);
  t.deepEqual(call('array.reverse', [1, 2, 3]), [3, 2, 1]);
  t.deepEqual(call('array.reverse', []), []);
  t.deepEqual(call('array.flatten', [[1, 2], 'string', [3, { a: 'b' }], 4.5, [6, [7, 8]]]), [
    1,
    2,
    'string',
    3,
    { a: 'b' },
    4.5,
    6,
    [7, 8],
  ]);
  fails(t, 'eval_type_error', 'array.concat: operand 2 must be array but got object', 'array.concat', [1], { v: 1 });
  fails(t, 'eval_type_error', 'array.reverse: operand 1 must be array but got object', 'array.reverse', {});
  fails(t, 'eval_type_error', 'array.flatten: operand 1 must be array but got number', 'array.flatten', 42);
});

test('array.slice clamps its indexes', (t) => {
  const a = [1, 2, 3, 4, 5];
  t.deepEqual(call('array.slice', a, 1, 3), [2, 3]);
  t.deepEqual(call('array.slice', a, -4, -1), []);
  t.deepEqual(call('array.slice', a, -1, 2), [1, 2]);
  t.deepEqual(call('array.slice', a, 3, 6), [4, 5]);
  t.deepEqual(call('array.slice', a, 4, 2), []);
  t.deepEqual(call('array.slice', [], 1000, 2000), []);
  fails(
    t,
    'eval_type_error',
    'array.slice: operand 2 must be integer number but got floating-point number',
    'array.slice',
    a,
    1.5,
    2,
  );
  fails(t, 'eval_type_error', 'array.slice: operand 3 must be number but got string', 'array.slice', a, 1, 'x');
});

test('walk lists [path, value] pairs in pre-order', (t) => {
  t.deepEqual(call('walk', [1, 2]), [
    [[], [1, 2]],
    [[0], 1],
    [[1], 2],
  ]);
  t.deepEqual(call('walk', { v2: 'b', v1: 'a' }), [
    [[], { v2: 'b', v1: 'a' }],
    [['v1'], 'a'],
    [['v2'], 'b'],
  ]);
  const inner = set(3, 1, 2);
  const r = call('walk', set(inner)) as unknown[][];
  same(t, r as never, [
    [[], set(inner)],
    [[inner], inner],
    [[inner, 1], 1],
    [[inner, 2], 2],
    [[inner, 3], 3],
  ]);
  t.deepEqual(call('walk', 'x'), [[[], 'x']]);
  same(t, call('walk', new RegoObjectEntries([[2, 'b'], [1, 'a']])), [
    [[], new RegoObjectEntries([[2, 'b'], [1, 'a']])],
    [[1], 'a'],
    [[2], 'b'],
  ]);
});

test('graph.reachable', (t) => {
  same(t, call('graph.reachable', { a: ['b'], b: ['c'], c: ['a'] }, ['a']), set('a', 'b', 'c'));
  same(t, call('graph.reachable', { a: set('b'), b: set(), x: ['y'] }, set('a')), set('a', 'b'));
  same(t, call('graph.reachable', { a: ['missing'] }, ['a']), set('a'));
  same(t, call('graph.reachable', { a: null }, ['a']), set('a'));
  same(t, call('graph.reachable', {}, ['a']), set());
  fails(t, 'eval_type_error', 'graph.reachable: operand 1 must be object but got number', 'graph.reachable', 1, []);
  fails(t, 'eval_type_error', 'graph.reachable: operand 2 must be {array, set} but got string', 'graph.reachable', {}, 'a');
});

test('graph.reachable_paths', (t) => {
  same(t, call('graph.reachable_paths', {}, set('a')), set());
  same(t, call('graph.reachable_paths', { a: set('b'), b: set('c'), c: set('a') }, set('a')), set(['a', 'b', 'c']));
  same(
    t,
    call(
      'graph.reachable_paths',
      { a: set('b', 'c'), b: set('d'), c: set('d'), d: set(), e: set('f'), f: set('e'), x: set('x') },
      set('b', 'e'),
    ),
    set(['b', 'd'], ['e', 'f']),
  );
  same(t, call('graph.reachable_paths', { a: ['b', 'c'], b: ['c'], c: [] }, set('a')), set(['a', 'b', 'c'], ['a', 'c']));
  same(t, call('graph.reachable_paths', { a: ['b'], b: ['nonexistent'] }, set('a', 'b')), set(['a', 'b'], ['b']));
  same(t, call('graph.reachable_paths', { a: null }, ['a']), set(['a']));
  fails(t, 'eval_type_error', 'graph.reachable_paths: operand 1 must be object but got number', 'graph.reachable_paths', 1, [1]);
  fails(
    t,
    'eval_type_error',
    'graph.reachable_paths: operand 2 must be {array, set} but got string',
    'graph.reachable_paths',
    { a: [] },
    'a',
  );
});

test('set operators and set-of-sets builtins', (t) => {
  same(t, call('and', set(1, 2, 3), set(2, 3, 4)), set(2, 3));
  same(t, call('or', set(1, 2), set(2, 3)), set(1, 2, 3));
  same(t, call('and', set(1), set(1.0)), set(1));
  same(t, call('union', set(set(1, 2), set(3), set())), set(1, 2, 3));
  same(t, call('union', set()), set());
  same(t, call('intersection', set(set(1, 2, 3), set(2, 3), set(3, 2, 9))), set(2, 3));
  same(t, call('intersection', set()), set());
  fails(t, 'eval_type_error', 'and: operand 2 must be set but got array', 'and', set(), []);
  fails(t, 'eval_type_error', 'or: operand 1 must be set but got number', 'or', 1, set());
  fails(t, 'eval_type_error', 'union: operand 1 must be set but got array', 'union', []);
  fails(t, 'eval_type_error', 'union: operand 1 must be set but got number', 'union', set(set(1), 2));
  fails(t, 'eval_type_error', 'intersection: operand 1 must be set but got number', 'intersection', set(set(1), 2));
  // Deprecated in OPA for `a - b`, still there for Rego v0 modules.
  same(t, call('set_diff', set(1, 2, 3, 'x'), set(2, 'x', 9)), set(1, 3));
  same(t, call('set_diff', set(1), set(1.0)), set());
  fails(t, 'eval_type_error', 'set_diff: operand 2 must be set but got array', 'set_diff', set(), []);
});

test('type_name and is_*', (t) => {
  t.is(call('type_name', null), 'null');
  t.is(call('type_name', 2n ** 70n), 'number');
  t.is(call('type_name', new RegoObjectEntries([[1, 2]])), 'object');
  t.is(call('type_name', set()), 'set');
  t.true(call('is_number', -42.0));
  t.true(call('is_number', 2n ** 70n));
  t.false(call('is_number', '1'));
  t.true(call('is_string', ''));
  t.false(call('is_boolean', 'true'));
  t.false(call('is_array', set(1)));
  t.true(call('is_set', set()));
  t.true(call('is_object', new RegoObjectEntries([[1, 2]])));
  t.false(call('is_object', []));
  t.true(call('is_null', null));
  t.false(call('is_null', false));
});

test('cast_* builtins', (t) => {
  t.deepEqual(call('cast_array', set(3, 1, 2)), [1, 2, 3]);
  t.deepEqual(call('cast_array', [2, 1]), [2, 1]);
  same(t, call('cast_set', [1, 1, 2]), set(1, 2));
  t.true(call('cast_set', set(1)) instanceof RegoSet);
  t.is(call('cast_string', 'a'), 'a');
  t.is(call('cast_boolean', false), false);
  t.is(call('cast_null', null), null);
  t.deepEqual(call('cast_object', { a: 1 }), { a: 1 });
  fails(t, 'eval_type_error', 'cast_array: operand 1 must be one of {array, set} but got object', 'cast_array', {});
  fails(t, 'eval_type_error', 'cast_set: operand 1 must be one of {array, set} but got string', 'cast_set', 'a');
  fails(t, 'eval_type_error', 'cast_string: operand 1 must be string but got number', 'cast_string', 1);
  fails(t, 'eval_type_error', 'cast_boolean: operand 1 must be boolean but got string', 'cast_boolean', 'true');
  fails(t, 'eval_type_error', 'cast_null: operand 1 must be null but got boolean', 'cast_null', false);
  fails(t, 'eval_type_error', 'cast_object: operand 1 must be object but got array', 'cast_object', []);
});

const big = 300_000;
const evens = Array.from({ length: big }, (_, i) => 2 * i);
const odds = Array.from({ length: big }, (_, i) => 2 * i + 1);

test('union takes sets of hundreds of thousands of members (no spread into call arguments)', (t) => {
  const u = call('union', set(new RegoSet(evens), new RegoSet(odds), set(0, 1)));
  t.true(u instanceof RegoSet);
  t.deepEqual((u as RegoSet).items.slice(0, 4), [0, 1, 2, 3]);
  t.is((u as RegoSet).items.length, 2 * big);
});

test('array.flatten takes arrays of hundreds of thousands of elements (no spread into call arguments)', (t) => {
  const flat = call('array.flatten', [evens, 'x', [odds]]) as unknown[];
  t.is(flat.length, big + 2);
  t.is(flat[big - 1], 2 * (big - 1));
  t.is(flat[big], 'x');
  t.deepEqual(flat[big + 1], odds);
});
