import test from 'ava';
import { call, fails } from '../helpers.js';

test('regex.match and re_match', (t) => {
  t.true(call('regex.match', '^[a-z]+\\[[0-9]+\\]$', 'foo[1]') as boolean);
  t.true(call('regex.match', '^$', '') as boolean);
  t.true(call('regex.match', '', 'x') as boolean);
  t.false(call('regex.match', '^$', 'something') as boolean);
  t.true(call('re_match', 'b+', 'abbbc') as boolean);
  // Go's `$` is end of text only, `.` does not match a newline.
  t.false(call('regex.match', '^abc$', 'abc\n') as boolean);
  t.false(call('regex.match', '^a.c$', 'a\nc') as boolean);
  t.true(call('regex.match', '(?s)^a.c$', 'a\nc') as boolean);
  t.true(call('regex.match', '(?i)^ABC$', 'abc') as boolean);
  t.true(call('regex.match', '^\\pL+$', 'héllo') as boolean);
  t.true(call('regex.match', '^a/b$', 'a/b') as boolean);
  t.true(call('regex.match', '^(?<year>\\d{4})$', '2024') as boolean);
});

test('regex.match reports bad patterns as Go does', (t) => {
  fails(t, 'eval_builtin_error', 'regex.match: error parsing regexp: missing closing ]: `[[[`', 'regex.match', '$^[[[', 'x');
  fails(t, 'eval_builtin_error', 'regex.match: error parsing regexp: missing closing ): `(`', 'regex.match', '(', 'x');
  fails(t, 'eval_builtin_error', 'regex.match: error parsing regexp: missing argument to repetition operator: `+`', 'regex.match', '++', 'x');
  fails(t, 'eval_builtin_error', 'regex.match: error parsing regexp: invalid nested repetition operator: `**`', 'regex.match', 'a**', 'x');
  fails(t, 'eval_builtin_error', 'regex.match: error parsing regexp: invalid escape sequence: `\\C`', 'regex.match', '\\C', 'x');
  fails(t, 'eval_builtin_error', 'regex.match: error parsing regexp: invalid escape sequence: `\\u`', 'regex.match', '\\u0041', 'A');
  fails(t, 'eval_builtin_error', 'regex.match: error parsing regexp: invalid or unsupported Perl syntax: `(?<`', 'regex.match', '(?<=a)b', 'ab');
  fails(t, 'eval_builtin_error', /invalid repeat count/, 're_match', 'a{1001}', 'a');
});

test('regex.match operand types', (t) => {
  fails(t, 'eval_type_error', 'regex.match: operand 1 must be string but got number', 'regex.match', 1, 'x');
  fails(t, 'eval_type_error', 'regex.match: operand 2 must be string but got null', 'regex.match', 'x', null);
  fails(t, 'eval_type_error', 're_match: operand 2 must be string but got array', 're_match', 'x', []);
});

test('regex.is_valid', (t) => {
  t.true(call('regex.is_valid', '.+') as boolean);
  t.false(call('regex.is_valid', '++') as boolean);
  t.false(call('regex.is_valid', '[') as boolean);
  t.false(call('regex.is_valid', 42) as boolean);
  // Go allows repeated group names.
  t.true(call('regex.is_valid', '(?P<n>a)(?P<n>b)') as boolean);
});

test('regex.split', (t) => {
  t.deepEqual(call('regex.split', '^[a-z]+\\[[0-9]+\\]$', ''), ['']);
  t.deepEqual(call('regex.split', '^[a-z]+', 'foobar baz'), ['', ' baz']);
  t.deepEqual(call('regex.split', '[a-z]+$', 'foobar baz'), ['foobar ', '']);
  t.deepEqual(call('regex.split', '^[a-z]+$', 'foobar baz'), ['foobar baz']);
  t.deepEqual(call('regex.split', '^[a-z ]+$', 'foobar baz'), ['', '']);
  t.deepEqual(call('regex.split', 'a', 'banana'), ['b', 'n', 'n', '']);
  t.deepEqual(call('regex.split', '', 'abc'), ['a', 'b', 'c']);
  t.deepEqual(call('regex.split', '', ''), []);
  t.deepEqual(call('regex.split', ',', 'a😀,b'), ['a😀', 'b']);
  fails(t, 'eval_builtin_error', /^regex\.split: error parsing regexp/, 'regex.split', '(', 'x');
});

test('regex.find_n', (t) => {
  t.deepEqual(call('regex.find_n', 'bork', 'paranormal', -1), []);
  t.deepEqual(call('regex.find_n', 'a.', 'paranormal', -1), ['ar', 'an', 'al']);
  t.deepEqual(call('regex.find_n', 'a.', 'paranormal', 2), ['ar', 'an']);
  t.deepEqual(call('regex.find_n', 'a.', 'paranormal', 0), []);
  // No empty match right after a match.
  t.deepEqual(call('regex.find_n', 'a*', 'baaab', -1), ['', 'aaa', '']);
  t.deepEqual(call('regex.find_n', '', '😀ab', -1), ['', '', '', '']);
  t.deepEqual(call('regex.find_n', '.', '😀é', -1), ['😀', 'é']);
  fails(t, 'eval_type_error', 'regex.find_n: operand 3 must be integer number but got floating-point number', 'regex.find_n', 'a', 'a', 1.5);
  fails(t, 'eval_type_error', 'regex.find_n: operand 3 must be number but got string', 'regex.find_n', 'a', 'a', '1');
});

test('regex.find_all_string_submatch_n', (t) => {
  const f = (p: string, s: string, n: number) => call('regex.find_all_string_submatch_n', p, s, n);
  t.deepEqual(f('a(x*)b', '-', -1), []);
  t.deepEqual(f('a(x*)b', '-ab-', -1), [['ab', '']]);
  t.deepEqual(f('a(x*)b', '-ab-axb-', -1), [['ab', ''], ['axb', 'x']]);
  t.deepEqual(f('a(x*)b', '-axxb-ab-', -1), [['axxb', 'xx'], ['ab', '']]);
  t.deepEqual(f('[^aouiye]([aouiye])([^aouiye])?', 'somestri', 1), [['som', 'o', 'm']]);
  t.deepEqual(f('[^aouiye]([aouiye])([^aouiye])?', 'somestri', -1), [['som', 'o', 'm'], ['ri', 'i', '']]);
  t.deepEqual(f('(a)|(b)', 'ab', -1), [['a', 'a', ''], ['b', '', 'b']]);
  t.deepEqual(f('^.*$', 'aaab', -1), [['aaab']]);
  t.deepEqual(f('(?P<k>\\w+)=(?<v>\\w+)', 'a=1 b=2', -1), [['a=1', 'a', '1'], ['b=2', 'b', '2']]);
});

test('regex.replace expands like Go ReplaceAllString', (t) => {
  const r = (s: string, p: string, v: string) => call('regex.replace', s, p, v);
  t.is(r('-wy-wxxy-', 'w(x*)y', '0'), '-0-0-');
  t.is(r('foo', '(foo)', '$1$1'), 'foofoo');
  t.is(r('foo', '^[a-z]', 'F'), 'Foo');
  t.is(r('foo', '^[a-z]$', 'F'), 'foo');
  t.is(r('foo', '^[a-z]+$', 'M'), 'M');
  t.is(r('foo', '[a-z]$', 'F'), 'foF');
  t.is(r('foo bar', '[a-z]', '_'), '___ ___');
  t.is(r('foo barx', '[a-z]{3}', '_'), '_ _x');
  t.is(r('foo barx', '[a-z]{2}', '_'), '_o __');
  t.is(r('abc', 'x*', '-'), '-a-b-c-');
  t.is(r('a😀b', '', '-'), '-a-😀-b-');
  t.is(r('baaac', 'a*', 'X'), 'XbXcX');
  // `$1x` names a group "1x" (empty); `${1}x` is group 1 then "x"; `$$` is a dollar.
  t.is(r('foo', '(o)', '$1x'), 'f');
  t.is(r('foo', '(o)', '${1}x'), 'foxox');
  t.is(r('foo', '(o)', '$$1'), 'f$1$1');
  t.is(r('k=v', '(?P<key>\\w)=(?P<val>\\w)', '$val=$key'), 'v=k');
  t.is(r('ab', '(a)', '$9|$'), '|$b');
  fails(t, 'eval_builtin_error', /^regex\.replace: error parsing regexp: missing closing \]/, 'regex.replace', 'foo', '[', '$1');
  fails(t, 'eval_type_error', 'regex.replace: operand 3 must be string but got number', 'regex.replace', 'foo', 'o', 1);
});

test('regex.template_match', (t) => {
  const m = (p: string, s: string, a = '<', b = '>') => call('regex.template_match', p, s, a, b);
  t.true(m('urn:foo:<.*>', 'urn:foo:bar:baz') as boolean);
  t.false(m('urn:foo:<[0-9]+>', 'urn:foo:bar') as boolean);
  t.true(m('urn:foo.bar:{[0-9]{2}}', 'urn:foo.bar:12', '{', '}') as boolean);
  // Literal text is quoted: the dot is not a wildcard.
  t.false(m('urn:foo.bar:<.*>', 'urn:fooxbar:1') as boolean);
  fails(t, 'eval_builtin_error', 'regex.template_match: unbalanced braces in "urn:<.*"', 'regex.template_match', 'urn:<.*', 'x', '<', '>');
  fails(t, 'eval_builtin_error', 'regex.template_match: unbalanced braces in "urn:>"', 'regex.template_match', 'urn:>', 'x', '<', '>');
  fails(t, 'eval_builtin_error', 'regex.template_match: start delimiter has to be exactly one character long but is 2 long', 'regex.template_match', 'x', 'x', '<<', '>');
  // OPA prints the start delimiter's length in this message too.
  fails(t, 'eval_builtin_error', 'regex.template_match: end delimiter has to be exactly one character long but is 1 long', 'regex.template_match', 'x', 'x', '<', '>>');
  fails(t, 'eval_builtin_error', /^regex\.template_match: error parsing regexp/, 'regex.template_match', 'a<(>', 'a', '<', '>');
  fails(t, 'eval_type_error', 'regex.template_match: operand 4 must be string but got null', 'regex.template_match', 'x', 'x', '<', null);
});

test('successive matches keep the context of the preceding text', (t) => {
  t.deepEqual(call('regex.find_n', '\\bfoo', 'foo xfoo foo', -1), ['foo', 'foo']);
  t.deepEqual(call('regex.find_n', '\\Bfoo', 'foo xfoo foo', -1), ['foo']);
  t.deepEqual(call('regex.find_n', '^a', 'aaa', -1), ['a']);
  t.deepEqual(call('regex.find_n', '\\Aa', 'aaa', -1), ['a']);
  t.deepEqual(call('regex.find_n', '(?m)^a', 'a\naa\na', -1), ['a', 'a', 'a']);
  t.deepEqual(call('regex.find_n', 'a$', 'aaa', -1), ['a']);
  t.deepEqual(call('regex.find_n', '\\Bb', 'éb bb', -1), ['b']);
  t.deepEqual(call('regex.find_n', '[^a]', 'aé😀bа', -1), ['é', '😀', 'b', 'а']);
  t.is(call('regex.replace', 'é^é', '^é', 'E'), 'E^é');
  t.is(call('regex.replace', 'ab ab', '\\bab', 'X'), 'X X');
  t.deepEqual(call('regex.split', '\\s*,\\s*', 'ü , 😀,x'), ['ü', '😀', 'x']);
});
