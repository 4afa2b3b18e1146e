import test from 'ava';
import * as F from '../../../src/builtins/numbers/big-float.js';
import { call, fails, same, set } from '../helpers.js';

test('integer arithmetic is exact at any size', (t) => {
  t.is(call('plus', 49649733057, 1), 49649733058);
  t.is(call('plus', 2 ** 53, 1), 2n ** 53n + 1n);
  t.is(call('mul', 2n ** 64n, 2n ** 64n), 2n ** 128n);
  t.is(call('minus', 2n ** 70n, 2n ** 70n - 5n), 5);
  t.is(call('mul', 3, -4), -12);
  t.is(call('plus', 1e30, 1), 10n ** 30n + 1n);
});

test('non-integers use OPA 64-bit big.Float results', (t) => {
  t.is(call('plus', 0.1, 0.2), 0.3);
  t.is(call('minus', 0.3, 0.1), 0.2);
  t.is(call('mul', 0.1, 3), 0.3);
  t.is(call('div', 1, 3), 0.3333333333333333);
  t.is(call('div', 2, 3), 0.6666666666666666);
  t.is(call('plus', 1.5, 2.5), 4);
  t.is(call('mul', 2.5, 4), 10);
});

test('printed text matches big.Float Text with shortest precision', (t) => {
  t.is(F.toText(F.add(F.fromNumber(0.1), F.fromNumber(0.2))), '0.3e0');
  t.is(F.toText(F.quo(F.fromNumber(1), F.fromNumber(3))), '0.33333333333333333334e0');
  t.is(F.toText(F.fromBigInt(2n ** 70n)), '1180591620717411303400');
  t.is(F.toText(F.quo(F.fromNumber(-22), F.fromNumber(7))), '-0.31428571428571428572e1');
});

test('division keeps exact int32 quotients and rounds the rest', (t) => {
  t.is(call('div', 6, 3), 2);
  t.is(call('div', -7, 2), -3.5);
  t.is(call('div', 0, 5), 0);
  t.is(call('div', 10n ** 30n, 10n ** 10n), 10n ** 20n);
  t.is(call('div', 7.5, 2.5), 3);
});

test('div by zero of any form fails', (t) => {
  fails(t, 'eval_builtin_error', 'div: divide by zero', 'div', 1, 0);
  fails(t, 'eval_builtin_error', 'div: divide by zero', 'div', 1.5, 0);
  fails(t, 'eval_builtin_error', 'div: divide by zero', 'div', 2n ** 80n, 0n);
});

test('rem is truncated and integer-only', (t) => {
  t.is(call('rem', 7, 4), 3);
  t.is(call('rem', -7, 4), -3);
  t.is(call('rem', 7, -4), 3);
  t.is(call('rem', -4, 2), 0);
  t.true(Object.is(call('rem', -4, 2), 0));
  t.is(call('rem', 10, 2n ** 64n), 10);
  t.is(call('rem', 2n ** 70n + 3n, 2n ** 64n), 3);
  t.is(call('rem', 4.0, 3), 1);
  fails(t, 'eval_builtin_error', 'rem: modulo by zero', 'rem', 7, 0);
  fails(t, 'eval_builtin_error', 'rem: modulo on floating-point number', 'rem', 1.1, 1);
  fails(t, 'eval_builtin_error', 'rem: modulo on floating-point number', 'rem', 1.1, 0);
});

test('operand type errors', (t) => {
  fails(t, 'eval_type_error', 'plus: operand 1 must be number but got string', 'plus', '1', 2);
  fails(t, 'eval_type_error', 'mul: operand 2 must be number but got null', 'mul', 1, null);
  fails(t, 'eval_type_error', 'abs: operand 1 must be number but got array', 'abs', []);
});

test('minus is set difference on sets, with OPA operand errors', (t) => {
  same(t, call('minus', set(1, 2, 3), set(2, 4)), set(1, 3));
  same(t, call('minus', set(1), set(1)), set());
  fails(t, 'eval_type_error', 'minus: operand 1 must be one of {number, set} but got string', 'minus', 'a', 1);
  fails(t, 'eval_type_error', 'minus: operand 2 must be set but got number', 'minus', set(1), 1);
  fails(t, 'eval_type_error', 'minus: operand 2 must be number but got set', 'minus', 1, set(1));
  fails(t, 'eval_type_error', 'minus: operand 2 must be number but got string', 'minus', set(1), 'x');
});

test('abs, round, ceil and floor', (t) => {
  t.is(call('abs', -10), 10);
  t.is(call('abs', -2.5), 2.5);
  t.is(call('abs', -(2n ** 70n)), 2n ** 70n);
  t.is(call('round', 2.5), 3);
  t.is(call('round', -2.5), -3);
  t.is(call('round', 2.4999), 2);
  t.is(call('round', 0.49999999999999994), 0);
  t.is(call('ceil', 1.01), 2);
  t.is(call('ceil', 2222.2222222222), 2223);
  t.is(call('ceil', -1.99999), -1);
  t.is(call('floor', 99.99999), 99);
  t.is(call('floor', -1.001), -2);
  t.is(call('floor', 7), 7);
  t.is(call('ceil', 2n ** 60n), 2n ** 60n);
});

test('ceil and floor keep OPA results on (-1, 0)', (t) => {
  // OPA tests the sign of the truncated integer (0), so these differ from Math.ceil/floor.
  t.is(call('ceil', -0.5), 1);
  t.is(call('floor', -0.5), 0);
});
