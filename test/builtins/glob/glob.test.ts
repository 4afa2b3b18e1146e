import test from 'ava';
import { call, fails } from '../helpers.js';

const g = (pattern: string, delimiters: string[] | null, s: string) => call('glob.match', pattern, delimiters, s);

test('glob.match: wildcards and delimiters', (t) => {
  t.true(g('api.**.com', ['.'], 'api.github.com') as boolean);
  t.true(g('api.**.com', ['.'], 'api.cdn.github.com') as boolean);
  t.false(g('*.github.com', ['.'], 'api.not-github.com') as boolean);
  t.true(g('*.github.com', ['.'], 'api.github.com') as boolean);
  t.false(g('*.github.com', ['.'], 'a.b.github.com') as boolean);
  t.true(g('*', ['.'], 'foo') as boolean);
  t.true(g('*', [], 'foo') as boolean);
  t.false(g('*', ['.'], 'foo.bar') as boolean);
  // An empty delimiter list means ".", null means none.
  t.false(g('*', [], 'foo.bar') as boolean);
  t.true(g('*', null, 'foo.bar') as boolean);
  t.true(g('foo*', null, 'foo.bar') as boolean);
  t.true(g('*', ['.'], '') as boolean);
  t.true(g('', null, '') as boolean);
  t.false(g('', null, 'a') as boolean);
  t.true(g('a/**/z', ['/'], 'a/b/c/z') as boolean);
  t.false(g('a/*/z', ['/'], 'a/b/c/z') as boolean);
  t.true(g('a*b', ['.', '/'], 'aXYb') as boolean);
  t.false(g('a*b', ['.', '/'], 'aX/Yb') as boolean);
  t.true(g('**', ['.'], 'a.b\nc') as boolean);
});

test('glob.match: single characters, lists and ranges', (t) => {
  t.true(g('?at', [], 'fat') as boolean);
  t.false(g('?at', [], 'at') as boolean);
  t.true(g('?at', ['f'], 'bat') as boolean);
  t.false(g('?at', ['f'], 'fat') as boolean);
  t.true(g('[abc]at', [], 'cat') as boolean);
  t.false(g('[abc]at', [], 'fat') as boolean);
  t.true(g('[!abc]at', [], 'fat') as boolean);
  t.false(g('[!abc]at', [], 'cat') as boolean);
  t.true(g('[a-c]at', [], 'bat') as boolean);
  t.false(g('[a-c]at', [], 'fat') as boolean);
  t.true(g('[!a-c]at', [], 'fat') as boolean);
  // Lists and ranges ignore delimiters.
  t.true(g('a[!x]b', ['.'], 'a.b') as boolean);
  t.true(g('?', [], '😀') as boolean);
  t.true(g('[😀-😂]', [], '😁') as boolean);
});

test('glob.match: alternatives and escapes', (t) => {
  t.true(g('{cat,bat,[fr]at}', [], 'cat') as boolean);
  t.true(g('{cat,bat,[fr]at}', [], 'rat') as boolean);
  t.false(g('{cat,bat,[fr]at}', [], 'mat') as boolean);
  t.true(g('x{a,}y', [], 'xy') as boolean);
  t.true(g('{a,{b,c}d}', [], 'cd') as boolean);
  t.true(g('\\*', [], '*') as boolean);
  t.false(g('\\*', [], 'a') as boolean);
  t.true(g('a\\{b\\}', [], 'a{b}') as boolean);
  // Outside braces, `,` and `}` are ordinary; an unclosed `{` still parses.
  t.true(g('a,b}', [], 'a,b}') as boolean);
  t.true(g('{a,b', [], 'b') as boolean);
  // Regex metacharacters are literal.
  t.true(g('a.b(c)+$', null, 'a.b(c)+$') as boolean);
  t.false(g('a.b', null, 'axb') as boolean);
});

test('glob.match: malformed patterns', (t) => {
  fails(t, 'eval_builtin_error', 'glob.match: unexpected end of input', 'glob.match', '[a-', [], 'x');
  fails(t, 'eval_builtin_error', 'glob.match: unexpected end of input', 'glob.match', '[abc', [], 'x');
  fails(t, 'eval_builtin_error', 'glob.match: could not parse range', 'glob.match', '[]', [], 'x');
  fails(t, 'eval_builtin_error', 'glob.match: expected close range character', 'glob.match', '[a-cx]', [], 'x');
  fails(t, 'eval_builtin_error', "glob.match: hi character 'a' should be greater than lo 'z'", 'glob.match', '[z-a]', [], 'x');
});

test('glob.match: operand errors', (t) => {
  fails(t, 'eval_type_error', 'glob.match: operand 1 must be string but got number', 'glob.match', 1, [], 'x');
  fails(t, 'eval_type_error', 'glob.match: operand 2 must be one of {array, null} but got string', 'glob.match', '*', '.', 'x');
  fails(t, 'eval_type_error', 'glob.match: operand 2 must be array of strings but got array containing number', 'glob.match', '*', [1], 'x');
  fails(t, 'eval_type_error', 'glob.match: operand 2 must be array of runes but got array containing string', 'glob.match', '*', ['ab'], 'x');
  fails(t, 'eval_type_error', 'glob.match: operand 3 must be string but got boolean', 'glob.match', '*', null, true);
});

test('glob.quote_meta', (t) => {
  t.is(call('glob.quote_meta', '*.github.com'), '\\*.github.com');
  t.is(call('glob.quote_meta', '{a,b}[c]?\\'), '\\{a,b\\}\\[c\\]\\?\\\\');
  t.is(call('glob.quote_meta', 'plain.text-ok'), 'plain.text-ok');
  // A quoted pattern matches itself literally.
  const quoted = call('glob.quote_meta', 'a*{b}?') as string;
  t.true(g(quoted, null, 'a*{b}?') as boolean);
  t.false(g(quoted, null, 'aX{b}?') as boolean);
  fails(t, 'eval_type_error', 'glob.quote_meta: operand 1 must be string but got null', 'glob.quote_meta', null);
});

test('regex.globs_match', (t) => {
  const m = (a: string, b: string) => call('regex.globs_match', a, b);
  t.true(m('a.a.[0-9]+z', '.b.b2359825792*594823z') as boolean);
  t.true(m('[a-z]+\\[[0-9]+\\]', 'foo\\[1\\]') as boolean);
  t.false(m('[a-z]+\\[[0-9]+\\]', 'foo["bar"]') as boolean);
  t.true(m('b.*', 'bar') as boolean);
  t.false(m('b.*', 'car') as boolean);
  t.true(m('a.*', '.*b') as boolean);
  t.false(m('abc', 'abd') as boolean);
  t.true(m('abc', 'abc') as boolean);
  t.true(m('[ab]+c', '[bc]+') as boolean);
  t.true(m('x[a-c]*y', 'xbbby') as boolean);
  t.false(m('x[a-c]+y', 'xy') as boolean);
  t.true(m('a*b*', 'a*b*') as boolean);
});

test('regex.globs_match: invalid input', (t) => {
  const e = (a: string, b: string, message: string) =>
    fails(t, 'eval_builtin_error', `regex.globs_match: ${message}: the input provided is invalid`, 'regex.globs_match', a, b);
  e('pqrs]', '[a-b]+', "input:pqrs], pos:5, set-close ']' with no preceding '['");
  e('a', '+a', "input:+a, pos:1, flag '+' must be preceded by a non-flag");
  e('[ab', 'a', 'input:[ab, pos:3, found [ without matching ]');
  e('[-a]', 'a', "input:[-a], pos:2, range character '-' must be preceded by a Unicode character");
  e('[a-]', 'a', "input:[a-], pos:3, range character '-' must be followed by a Unicode character");
  e('[z-a]', 'a', "input:[z-a], pos:4, range is out of order: 'a' comes before 'z' in Unicode");
  e('ab\\', 'a', 'input:ab\\, pos:2, input ends with a \\ (escape) character');
  fails(t, 'eval_type_error', 'regex.globs_match: operand 2 must be string but got number', 'regex.globs_match', 'a', 1);
});
