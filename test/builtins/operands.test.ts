import test from 'ava';
import { BuiltinError } from '../../src/builtins/errors.js';
import { int64Arg, intArg, integerResult, plainObjectArg, stringArg } from '../../src/builtins/operands.js';
import { RegoObjectEntries } from '../../src/builtins/value.js';
import { call, fails } from './helpers.js';

const FLOAT = 'must be integer number but got floating-point number';

test('one integer operand for every family: beyond int64 is refused alike, as OPA’s IntOperand refuses it', (t) => {
  // Before one shared reader, array.slice and substring clamped 1e19 while regex.find_n refused it.
  fails(t, 'eval_type_error', `array.slice: operand 3 ${FLOAT}`, 'array.slice', [1, 2], 0, 1e19);
  fails(t, 'eval_type_error', `substring: operand 3 ${FLOAT}`, 'substring', 'abc', 0, 1e19);
  fails(t, 'eval_type_error', `regex.find_n: operand 3 ${FLOAT}`, 'regex.find_n', 'a', 'aaa', 1e19);
  fails(t, 'eval_type_error', `rand.intn: operand 2 ${FLOAT}`, 'rand.intn', 'seed', 1e19);
  fails(t, 'eval_type_error', `array.slice: operand 2 ${FLOAT}`, 'array.slice', [1, 2], 0.5, 1);
  t.deepEqual(call('array.slice', [1, 2, 3], 1, 2), [2]);
  t.is(call('substring', 'abcdef', 1, 3), 'bcd');
});

test('int64Arg keeps integers exact to int64; intArg is its number form', (t) => {
  t.is(int64Arg('f', 9223372036854775807n, 1), 9223372036854775807n);
  t.is(int64Arg('f', -3, 1), -3n);
  t.is(intArg('f', 42n, 1), 42);
  const e = t.throws(() => int64Arg('f', 9223372036854775808n, 2), { instanceOf: BuiltinError });
  t.is(e?.message, `f: operand 2 ${FLOAT}`);
  t.is(t.throws(() => intArg('f', 'x', 1), { instanceOf: BuiltinError })?.message, 'f: operand 1 must be number but got string');
});

test('one string operand message for every family', (t) => {
  for (const [name, args] of [
    ['upper', [1]],
    ['regex.match', [1, 'a']],
    ['crypto.md5', [1]],
    ['glob.quote_meta', [1]],
    ['time.parse_rfc3339_ns', [1]],
    ['base64.encode', [1]],
  ] as const) {
    fails(t, 'eval_type_error', `${name}: operand 1 must be string but got number`, name, ...args);
  }
  t.is(t.throws(() => stringArg('f', null, 3), { instanceOf: BuiltinError })?.message, 'f: operand 3 must be string but got null');
});

test('plainObjectArg reads objects with non-string keys by their string form; integerResult stays exact', (t) => {
  t.deepEqual(plainObjectArg('f', new RegoObjectEntries([[1, 'a']]), 1), { '1': 'a' });
  t.is(t.throws(() => plainObjectArg('f', [], 2), { instanceOf: BuiltinError })?.message, 'f: operand 2 must be object but got array');
  t.is(integerResult(5n), 5);
  t.is(integerResult(2n ** 60n), 2n ** 60n);
});
