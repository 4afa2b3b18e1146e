import test from 'ava';
import { RegoObjectEntries, RegoSet } from '../../../src/builtins/value.js';
import { call, fails } from '../helpers.js';

test('concat joins arrays and sets (sets in Rego order)', (t) => {
  t.is(call('concat', '/', ['', 'foo', 'bar', '0', 'baz']), '/foo/bar/0/baz');
  t.is(call('concat', ',', new RegoSet(['3', '1', '2'])), '1,2,3');
  t.is(call('concat', ',', []), '');
  fails(t, 'eval_type_error', 'concat: operand 2 must be array of strings but got array containing number', 'concat', ',', [1]);
  fails(t, 'eval_type_error', 'concat: operand 2 must be set of strings but got set containing null', 'concat', ',', new RegoSet([null]));
  fails(t, 'eval_type_error', 'concat: operand 2 must be one of {set, array} but got string', 'concat', ',', 'x');
  fails(t, 'eval_type_error', 'concat: operand 1 must be string but got number', 'concat', 1, []);
});

test('contains, startswith, endswith', (t) => {
  t.false(call('contains', 'abcdefgh', 'ac'));
  t.true(call('contains', 'abcdefgh', 'cde'));
  t.true(call('startswith', 'abcdefgh', 'abcd'));
  t.false(call('startswith', 'abcdefgh', 'bcd'));
  t.true(call('endswith', 'abcdefgh', 'fgh'));
  fails(t, 'eval_type_error', 'endswith: operand 2 must be string but got array', 'endswith', 'a', []);
});

test('indexof and indexof_n count code points', (t) => {
  t.is(call('indexof', 'abcdefgh', 'cde'), 2);
  t.is(call('indexof', 'abcabcabcdefgh', 'cde'), 8);
  t.is(call('indexof', 'abcdefgh', 'xyz'), -1);
  t.is(call('indexof', 'åäö😀x', 'x'), 4);
  t.deepEqual(call('indexof_n', 'dogcatdogcat', 'cat'), [3, 9]);
  t.deepEqual(call('indexof_n', '😇😀😇😀😇😀', '😀'), [1, 3, 5]);
  t.deepEqual(call('indexof_n', 'dogcat', 'rabbit'), []);
  fails(t, 'eval_builtin_error', 'indexof: empty search character', 'indexof', 'abc', '');
  fails(t, 'eval_builtin_error', 'indexof_n: empty search character', 'indexof_n', 'abc', '');
});

test('substring', (t) => {
  t.is(call('substring', 'abcdefgh', 2, -1), 'cdefgh');
  t.is(call('substring', 'aåäö', 2, -1), 'äö');
  t.is(call('substring', 'abcdefghåäö', 2, 10000), 'cdefghåäö');
  t.is(call('substring', 'abcdefgh', 2, 3), 'cde');
  t.is(call('substring', 'åäö', 3, -1), '');
  t.is(call('substring', '', 0, 1), '');
  fails(t, 'eval_builtin_error', 'substring: negative offset', 'substring', 'aaa', -1, -1);
  fails(t, 'eval_type_error', 'substring: operand 2 must be integer number but got floating-point number', 'substring', 'a', 1.5, 1);
  fails(t, 'eval_type_error', 'substring: operand 3 must be number but got string', 'substring', 'a', 1, '1');
});

test('lower and upper use simple per-rune case mapping', (t) => {
  t.is(call('lower', 'AbC'), 'abc');
  t.is(call('upper', 'AbC'), 'ABC');
  t.is(call('lower', 'ÀİΣ'), 'àiσ');
  t.is(call('upper', 'straße'), 'STRAßE');
});

test('split', (t) => {
  t.deepEqual(call('split', 'foo.bar.baz', '.'), ['foo', 'bar', 'baz']);
  t.deepEqual(call('split', '', '.'), ['']);
  t.deepEqual(call('split', 'test', ''), ['t', 'e', 's', 't']);
  t.deepEqual(call('split', '', ''), []);
  t.deepEqual(call('split', 'a😀b', ''), ['a', '😀', 'b']);
});

test('replace', (t) => {
  t.is(call('replace', '', 'hi', 'bye'), '');
  t.is(call('replace', 'foo...bar', '..', ',,'), 'foo,,.bar');
  t.is(call('replace', 'abc', '', '-'), '-a-b-c-');
});

test('strings.count, strings.reverse', (t) => {
  t.is(call('strings.count', 'cheese', 'e'), 3);
  t.is(call('strings.count', 'hello hello hello world', 'hello'), 3);
  t.is(call('strings.count', 'dummy', ''), 6);
  t.is(call('strings.count', '', ''), 1);
  t.is(call('strings.count', '11111', '11'), 2);
  t.is(call('strings.reverse', 'bar'), 'rab');
  t.is(call('strings.reverse', '1😀𝛾'), '𝛾😀1');
  t.is(call('strings.reverse', '2\ufe0f\u20e3'), '\u20e3\ufe0f2');
  fails(t, 'eval_type_error', 'strings.reverse: operand 1 must be string but got number', 'strings.reverse', 123);
});

test('strings.any_prefix_match and any_suffix_match', (t) => {
  t.true(call('strings.any_prefix_match', ['a/b/c', 'e/f/g'], ['x/', 'a/']));
  t.false(call('strings.any_prefix_match', ['aa/bb/cc'], ['a/b']));
  t.true(call('strings.any_prefix_match', 'a/b/c', new RegoSet(['a/'])));
  t.false(call('strings.any_prefix_match', [], []));
  t.true(call('strings.any_suffix_match', new RegoSet(['a/b/c']), '/c'));
  t.false(call('strings.any_suffix_match', ['a/b/g'], ['/c', '/a']));
  fails(t, 'eval_type_error', 'strings.any_prefix_match: operand 1 must be array of strings but got array containing number', 'strings.any_prefix_match', [1], ['a']);
  fails(t, 'eval_type_error', 'strings.any_suffix_match: operand 2 must be one of {string, set, array} but got number', 'strings.any_suffix_match', ['a'], 1);
});

test('format_int truncates and supports four bases', (t) => {
  t.is(call('format_int', 15.5, 16), 'f');
  t.is(call('format_int', 4.1, 10), '4');
  t.is(call('format_int', -255, 2), '-11111111');
  t.is(call('format_int', 8, 8), '10');
  t.is(call('format_int', 2n ** 70n, 16), '400000000000000000');
  fails(t, 'eval_type_error', 'format_int: operand 2 must be one of {2, 8, 10, 16}', 'format_int', 4.1, 199);
});

test('trim family with Unicode cutsets', (t) => {
  t.is(call('trim', '', '.'), '');
  t.is(call('trim', '...foo.bar...', '.'), 'foo.bar');
  t.is(call('trim', '...foo.bar...', '.fr'), 'oo.ba');
  t.is(call('trim', '¡¡¡foo, bar!!!', '!¡'), 'foo, bar');
  t.is(call('trim_left', '¡¡¡foo, bar!!!', '!¡'), 'foo, bar!!!');
  t.is(call('trim_right', '¡¡¡foo, bar!!!', '!¡'), '¡¡¡foo, bar');
  t.is(call('trim_prefix', '¡¡¡foo, bar!!!', '¡¡¡foo'), ', bar!!!');
  t.is(call('trim_prefix', '¡¡¡foo, bar!!!', '¡¡¡bar'), '¡¡¡foo, bar!!!');
  t.is(call('trim_suffix', '¡¡¡foo, bar!!!', ', bar!!!'), '¡¡¡foo');
  t.is(call('trim_suffix', 'abc', ''), 'abc');
  t.is(call('trim_space', ' \t\n foo, bar \u00a0\u3000'), 'foo, bar');
  t.is(call('trim_space', '\ufeffx'), '\ufeffx');
  fails(t, 'eval_type_error', 'trim: operand 2 must be string but got number', 'trim', 'a', 1);
});

test('strings.replace_n applies patterns in key order without overlaps', (t) => {
  t.is(call('strings.replace_n', { cat: 'dog', dog: 'fish' }, 'cat dog'), 'dog fish');
  t.is(call('strings.replace_n', { a: 'b', ab: 'X' }, 'abab'), 'bbbb');
  t.is(call('strings.replace_n', {}, 'x'), 'x');
  t.is(call('strings.replace_n', { '': '-' }, 'ab'), '-a-b-');
  fails(t, 'eval_type_error', 'strings.replace_n: operand 1 non-string value found in pattern object', 'strings.replace_n', { f: 100 }, 'x');
  fails(t, 'eval_type_error', 'strings.replace_n: operand 1 non-string key found in pattern object', 'strings.replace_n', new RegoObjectEntries([[1, 'x']]), 'x');
  fails(t, 'eval_type_error', 'strings.replace_n: operand 2 must be string but got number', 'strings.replace_n', { f: 'g' }, 100);
  fails(t, 'eval_type_error', 'strings.replace_n: operand 1 must be object but got array', 'strings.replace_n', [], 'x');
});
