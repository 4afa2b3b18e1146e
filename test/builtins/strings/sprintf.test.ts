import test from 'ava';
import { RegoObjectEntries, RegoSet } from '../../../src/builtins/value.js';
import { call, fails } from '../helpers.js';

const sprintf = (format: string, ...args: Parameters<typeof call>[1][]) => call('sprintf', format, args);

test('sprintf: integers, bases, flags and widths', (t) => {
  t.is(sprintf('hi'), 'hi');
  t.is(sprintf('hi %02d', 5), 'hi 05');
  t.is(sprintf('hi %02X.%02X', 127, 1), 'hi 7F.01');
  t.is(sprintf('%d', 42), '42');
  t.is(sprintf('%+d|% d|%-4d|%4d|', 5, 5, 5, 5), '+5| 5|5   |   5|');
  t.is(sprintf('%05d', -42), '-0042');
  t.is(sprintf('%x %X %#x %o %#o %O %b', 255, 255, 255, 8, 8, 8, 5), 'ff FF 0xff 10 010 0o10 101');
  t.is(sprintf('%.3d|%.0d|', 7, 0), '007||');
  t.is(sprintf('%c %q %U %#U', 65, 65, 0x1f600, 0x41), "A 'A' U+1F600 U+0041 'A'");
  t.is(sprintf('%*d|%-*d|', 5, 42, 4, 1), '   42|1   |');
});

test('sprintf: big integers print exactly', (t) => {
  t.is(sprintf('%s', 123456789123456789123n), '123456789123456789123');
  t.is(sprintf('%s', 1208925819614629174706175n), '1208925819614629174706175');
  t.is(sprintf('%d|%x|%v', 2n ** 64n, 2n ** 64n, -(2n ** 64n)), '18446744073709551616|10000000000000000|-18446744073709551616');
  t.is(sprintf('%T', 2n ** 64n), '*big.Int');
  t.is(sprintf('%z', 2n ** 64n), '%!z(big.Int=18446744073709551616)');
  t.is(sprintf('%d', 9007199254740993n), '9007199254740993');
});

test('sprintf: floats follow Go formatting, rounding half to even on exact ties', (t) => {
  t.is(sprintf('%v', 3.14), '3.14');
  t.is(sprintf('%v|%v|%v', 1234567.5, 123456.7, 1e-7), '1.2345675e+06|123456.7|1e-07');
  t.is(sprintf('%.2f', 3.14159), '3.14');
  t.is(sprintf('%f|%e|%E|%g|%G', 2.5, 123.456, 123.456, 0.00001234, 1e-10), '2.500000|1.234560e+02|1.234560E+02|1.234e-05|1E-10');
  t.is(sprintf('%.0f|%.0f|%.0f|%.1f', 2.5, 0.5, 1.5, 0.25), '2|0|2|0.2');
  t.is(sprintf('%08.3f|%+.1e|%10.4v|', -3.14159, 12345.678, 3.14159265), '-003.142|+1.2e+04|     3.142|');
  t.is(sprintf('%6.2f%%', 99.5), ' 99.50%');
  t.is(sprintf('%.3g', 2.0000001), '2');
});

test('sprintf: strings, quoting and hex', (t) => {
  t.is(sprintf('%s|%v|%5s|%-5s|%.2s', 'a', 'b', 'ab', 'cd', 'héllo'), 'a|b|   ab|cd   |hé');
  t.is(sprintf('%q', 'a"b\n\u0001é'), '"a\\"b\\n\\x01é"');
  t.is(sprintf('%+q|%#q', 'é', 'x'), '"\\u00e9"|`x`');
  t.is(sprintf('%x|% X|%#x', 'hello', 'hi', 'hi'), '68656c6c6f|68 69|0x6869');
  t.is(sprintf('%05s', 'ab'), '   ab');
});

test('sprintf: non-numbers are given to Go as their Rego text', (t) => {
  t.is(sprintf('hi %s', true), 'hi true');
  t.is(sprintf('%v', null), 'null');
  t.is(sprintf('%v', [1, 'a', null, { b: 1, a: [true] }]), '[1, "a", null, {"a": [true], "b": 1}]');
  t.is(sprintf('%v|%v', new RegoSet([3, 1, 2]), new RegoSet([])), '{1, 2, 3}|set()');
  t.is(sprintf('%s', new RegoObjectEntries([[1, 'x']])), '{1: "x"}');
  t.is(sprintf('%t', true), '%!t(string=true)');
  t.is(sprintf('%T %T %T %T', 1, 1.5, 's', [1]), 'int float64 string string');
});

test("sprintf: Go's error notations", (t) => {
  t.is(sprintf('%.2f', 5), '%!f(int=05)');
  t.is(sprintf('%d', 'x'), '%!d(string=x)');
  t.is(sprintf('%s', 0.1), '%!s(float64=0.1)');
  t.is(sprintf('%d %d', 1), '1 %!d(MISSING)');
  t.is(sprintf('%d', 1, 'a'), '1%!(EXTRA string=a)');
  t.is(sprintf('%'), '%!(NOVERB)');
  t.is(sprintf('%[2]d %[1]d', 1, 2), '2 1');
  t.is(sprintf('%[3]d', 1), '%!d(BADINDEX)');
  t.is(sprintf('%*d', 'x', 1), '%!(BADWIDTH)1');
  t.is(sprintf('100%%'), '100%');
});

test('sprintf operand errors', (t) => {
  fails(t, 'eval_type_error', 'sprintf: operand 2 must be array but got object', 'sprintf', '%d', {});
  fails(t, 'eval_type_error', 'sprintf: operand 1 must be string but got number', 'sprintf', 1, []);
});

test('internal.template_string formats parts like print', (t) => {
  t.is(call('internal.template_string', []), '');
  t.is(call('internal.template_string', ['foo ', new RegoSet(['bar']), '!']), 'foo bar!');
  t.is(call('internal.template_string', [42, ',', 13.37, ',', true, ',', 'foo', ',', null]), '42,13.37,true,foo,null');
  t.is(call('internal.template_string', [new RegoSet([])]), '<undefined>');
  t.is(
    call('internal.template_string', [
      new RegoSet([[]]),
      ' ',
      new RegoSet([[42, 13.37, true, 'foo', null]]),
      ' ',
      new RegoSet([new RegoSet([])]),
      ' ',
      new RegoSet([new RegoSet([42])]),
      ' ',
      new RegoSet([{ a: 'b' }]),
    ]),
    '[] [42, 13.37, true, "foo", null] set() {42} {"a": "b"}',
  );
  fails(t, 'eval_builtin_error', 'template-strings must not produce multiple outputs', 'internal.template_string', [new RegoSet([1, 2])]);
  fails(t, 'eval_builtin_error', 'illegal argument type: array', 'internal.template_string', [[1]]);
  fails(t, 'eval_type_error', 'internal.template_string: operand 1 must be array but got string', 'internal.template_string', 'x');
});
