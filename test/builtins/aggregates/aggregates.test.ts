import test from 'ava';
import { RegoObjectEntries } from '../../../src/builtins/value.js';
import { call, fails, same, set } from '../helpers.js';

test('count', (t) => {
  t.is(call('count', [1, 2, 3]), 3);
  t.is(call('count', set(1, 2, 2)), 2);
  t.is(call('count', { a: 1, b: 2 }), 2);
  t.is(call('count', new RegoObjectEntries([[1, 'a']])), 1);
  t.is(call('count', 'héllo😀'), 6);
  fails(t, 'eval_type_error', 'count: operand 1 must be one of {array, object, set, string} but got null', 'count', null);
  fails(t, 'eval_type_error', 'count: operand 1 must be one of {array, object, set, string} but got number', 'count', 1);
});

test('sum and product are exact on integers', (t) => {
  t.is(call('sum', [1, 2, 3]), 6);
  t.is(call('sum', set(1, 2, 3)), 6);
  t.is(call('sum', []), 0);
  t.is(call('sum', [2 ** 53, 2 ** 53]), 2n ** 54n);
  t.is(call('product', [2n ** 40n, 2n ** 40n]), 2n ** 80n);
  t.is(call('product', []), 1);
  t.is(call('product', set(2, 3, 4)), 24);
});

test('sum and product of non-integers', (t) => {
  t.is(call('sum', [0.1, 0.2]), 0.3);
  t.is(call('sum', [1, 2.5]), 3.5);
  t.is(call('product', [0.1, 3]), 0.30000000000000004);
  t.is(call('product', [1.5, 2]), 3);
});

test('sum and product type errors', (t) => {
  fails(t, 'eval_type_error', 'sum: operand 1 must be array of numbers but got array containing string', 'sum', [1, 'a']);
  fails(t, 'eval_type_error', 'product: operand 1 must be set of numbers but got set containing null', 'product', set(1, null));
  fails(t, 'eval_type_error', 'sum: operand 1 must be one of {set, array} but got object', 'sum', {});
});

test('max and min use the Rego order and are undefined on empty input', (t) => {
  t.is(call('max', [1, 3, 2]), 3);
  t.is(call('min', [3, 1, 2]), 1);
  t.is(call('max', [1, 'a', null]), 'a');
  t.is(call('min', set('b', 2, [1])), 2);
  t.is(call('max', []), undefined);
  t.is(call('min', set()), undefined);
  t.is(call('max', [2n ** 60n, 1.5]), 2n ** 60n);
  fails(t, 'eval_type_error', 'max: operand 1 must be one of {set, array} but got string', 'max', 'abc');
});

test('sort', (t) => {
  t.deepEqual(call('sort', [3, 'a', 1, null, [0], { a: 1 }, false]), [null, false, 1, 3, 'a', [0], { a: 1 }]);
  t.deepEqual(call('sort', set(3, 1, 2, 1)), [1, 2, 3]);
  t.deepEqual(call('sort', [2, 1, 2]), [1, 2, 2]);
  fails(t, 'eval_type_error', 'sort: operand 1 must be one of {set, array} but got number', 'sort', 1);
});

test('any and all', (t) => {
  t.true(call('any', [false, true]));
  t.false(call('any', []));
  t.false(call('any', set(1, 'true')));
  t.true(call('all', []));
  t.true(call('all', set(true)));
  t.false(call('all', [true, 1]));
  fails(t, 'eval_type_error', 'all: operand 1 must be one of {array, set} but got string', 'all', 'x');
});

test('bits operations on arbitrary-size integers', (t) => {
  t.is(call('bits.and', 12, 10), 8);
  t.is(call('bits.or', 12, 10), 14);
  t.is(call('bits.xor', 12, 10), 6);
  t.is(call('bits.negate', 5), -6);
  t.is(call('bits.lsh', 1, 70), 2n ** 70n);
  t.is(call('bits.rsh', -9, 1), -5);
  t.is(call('bits.rsh', 2n ** 70n, 68), 4);
  t.is(call('bits.and', -1, 2n ** 65n), 2n ** 65n);
  t.is(call('bits.rsh', 5, 2n ** 40n), 0);
});

test('bits errors', (t) => {
  fails(t, 'eval_type_error', 'bits.and: operand 1 must be integer number but got floating-point number', 'bits.and', 1.5, 1);
  fails(t, 'eval_type_error', 'bits.negate: operand 1 must be integer number but got floating-point number', 'bits.negate', 0.5);
  fails(
    t,
    'eval_type_error',
    'bits.lsh: operand 2 must be an unsigned integer number but got a negative integer',
    'bits.lsh',
    1,
    -1,
  );
  fails(
    t,
    'eval_type_error',
    'bits.rsh: operand 2 must be an unsigned integer number but got a negative integer',
    'bits.rsh',
    1,
    -1,
  );
  fails(t, 'eval_type_error', 'bits.or: operand 2 must be integer but got string', 'bits.or', 1, 'a');
});

test('numbers.range and numbers.range_step', (t) => {
  t.deepEqual(call('numbers.range', 0, 0), [0]);
  t.deepEqual(call('numbers.range', -2, 3), [-2, -1, 0, 1, 2, 3]);
  t.deepEqual(call('numbers.range', 2, -3), [2, 1, 0, -1, -2, -3]);
  t.deepEqual(call('numbers.range', 49649733057, 49649733059), [49649733057, 49649733058, 49649733059]);
  t.deepEqual(call('numbers.range', 2n ** 60n, 2n ** 60n + 1n), [2n ** 60n, 2n ** 60n + 1n]);
  t.deepEqual(call('numbers.range_step', 0, 10, 2), [0, 2, 4, 6, 8, 10]);
  t.deepEqual(call('numbers.range_step', 0, -10, 4), [0, -4, -8]);
  t.deepEqual(call('numbers.range_step', 2, 5, 2), [2, 4]);
  t.deepEqual(call('numbers.range_step', 0, 10, 99999999999999999999n), [0]);
});

test('numbers.range errors', (t) => {
  fails(t, 'eval_type_error', 'numbers.range: operand 1 must be integer number but got floating-point number', 'numbers.range', 3.14, 4);
  fails(t, 'eval_type_error', 'numbers.range: operand 2 must be integer number but got floating-point number', 'numbers.range', 3, 3.14);
  fails(t, 'eval_builtin_error', 'numbers.range_step: step must be a positive integer', 'numbers.range_step', 0, 10, -2);
  fails(t, 'eval_builtin_error', 'numbers.range_step: step must be a positive integer', 'numbers.range_step', 0, 10, 0);
  fails(t, 'eval_builtin_error', 'numbers.range: too many numbers in range', 'numbers.range', 0, 1e12);
  same(t, call('numbers.range', 1, 1), [1]);
});
