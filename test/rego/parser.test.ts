import test from 'ava';
import { parseModule, parseQuery } from '../../src/rego/syntax/index.js';
import type { Term } from '../../src/rego/ast.js';

const strip = (o: unknown): unknown => JSON.parse(JSON.stringify(o, (k, v) => (k === 'loc' ? undefined : v)));

test('operators become calls with OPA precedence', (t) => {
  const q = parseQuery('x := 1 + 2 * 3 == 7', { file: 'q' }).body!;
  t.is(q.length, 1);
  const e = q[0]!;
  t.is(e.type, 'call');
  if (e.type !== 'call') return;
  t.is(e.operator.head.type === 'var' && e.operator.head.name, 'assign');
  const rhs = e.args[1] as Extract<Term, { type: 'call' }>;
  t.is((rhs.operator.head as { name: string }).name, 'equal');
  const sum = rhs.args[0] as Extract<Term, { type: 'call' }>;
  t.is((sum.operator.head as { name: string }).name, 'plus');
  t.is(((sum.args[1] as Extract<Term, { type: 'call' }>).operator.head as { name: string }).name, 'mul');
});

test('rule kinds: complete, partial set, partial object, function, default, else', (t) => {
  const m = parseModule(
    `package p
default a := 1
a := 2 if input.x
s contains y if some y in input.ys
o[k] := v if some k, v in input.m
f(x) := x + 1
g(x) := 1 if x > 0 else := 2
`,
    { file: 'p.rego' },
  ).module!;
  t.is(m.rules.length, 6);
  t.true(m.rules[0]!.default);
  t.true(m.rules[2]!.head.contains);
  t.is(m.rules[3]!.head.ref.length, 2);
  t.is(m.rules[4]!.head.args?.length, 1);
  t.truthy(m.rules[5]!.else);
});

test('v0 partial sets and objects', (t) => {
  const m = parseModule('package p\np[x] { x = 1 }\nq[k] = v { k = "a"; v = 2 }\n', { file: 'v0.rego', regoVersion: 0 }).module!;
  t.true(m.rules[0]!.head.contains);
  t.deepEqual(strip(m.rules[0]!.head.key), { type: 'var', name: 'x' });
  t.is(m.rules[1]!.head.ref.length, 2);
});

test('v1 requires if before a rule body', (t) => {
  const r = parseModule('package p\n\np { true }\n', { file: 'x.rego' });
  t.is(r.diagnostics[0]?.code, 'rego_parse_error');
  t.is(r.diagnostics[0]?.line, 3);
  t.is(r.diagnostics[0]?.col, 3);
  t.regex(r.diagnostics[0]!.message, /`if` keyword is required/);
});

test('syntax errors name line and column', (t) => {
  const r = parseModule('package p\n\nallow if {\n\tx := [1, 2\n}\n', { file: 'bad.rego' });
  t.is(r.diagnostics.length, 1);
  t.deepEqual([r.diagnostics[0]!.line, r.diagnostics[0]!.col], [5, 1]);
});

test('keywords still name things in refs and calls', (t) => {
  const r = parseModule('package p\nx if contains("abc", "b")\ny := data.default.if\n', { file: 'k.rego' });
  t.deepEqual(r.diagnostics, []);
});

test('wildcards are fresh variables', (t) => {
  const q = parseQuery('input.a[_] = input.b[_]', { file: 'q' }).body!;
  const names = new Set<string>();
  JSON.stringify(q, (k, v) => {
    if (v && v.type === 'var' && String(v.name).startsWith('$')) names.add(v.name);
    return v;
  });
  t.is(names.size, 2);
});

test('METADATA annotations attach to the next rule', (t) => {
  const m = parseModule('package p\n\n# METADATA\n# title: Allow\n# custom:\n#   level: 3\nallow := true\n', { file: 'm.rego' }).module!;
  t.deepEqual(m.rules[0]!.annotations?.fields, { title: 'Allow', custom: { level: 3 } });
});

test('a dot after a term needs a name right after it (as OPA: expected ident)', (t) => {
  const eof = parseModule('package foo.', { file: 'p.rego' }).diagnostics[0];
  t.deepEqual([eof?.message, eof?.line, eof?.col], ['unexpected eof token: expected ident', 1, 13]);
  const space = parseModule('package a\np := input. x\n', { file: 'p.rego' }).diagnostics[0];
  t.deepEqual([space?.message, space?.line, space?.col], ['unexpected whitespace token: expected ident', 2, 12]);
  const bracket = parseModule('package a\np := input.[1]\n', { file: 'p.rego' }).diagnostics[0];
  t.is(bracket?.message, 'unexpected [ token: expected ident');
});

const templateParts = (src: string): unknown => {
  const e = parseQuery(`x := ${src}`, { file: 'q' }).body![0]!;
  return e.type === 'call' ? (strip(e.args[1]) as { parts: unknown }).parts : undefined;
};

test('template strings: `\\{` and `\\}` escape braces, as in OPA', (t) => {
  t.deepEqual(templateParts('$"foo \\{42\\}"'), ['foo {42}']);
  t.deepEqual(templateParts('$"{42}\\}"'), [{ type: 'number', text: '42' }, '}']);
  t.deepEqual(templateParts('$"\\{{42}"'), ['{', { type: 'number', text: '42' }]);
  t.deepEqual(templateParts('$"\\t\\"\\u00e9\\\\"'), ['\t"é\\']);
  // A raw template string takes only `\{`; any other backslash is text.
  t.deepEqual(templateParts('$`a \\} \\{b} \\n`'), ['a \\} {b} \\n']);
});

test('template strings: an unknown escape, or an escaped brace that should close an expression, is a parse error there', (t) => {
  const bad = parseModule('package p\n\nc := $"a \\q"\n', { file: 't.rego' });
  t.deepEqual(bad.diagnostics.map((d) => [d.code, d.line, d.col]), [['rego_parse_error', 3, 10]]);
  t.regex(bad.diagnostics[0]!.message, /\\q/);
  const unclosed = parseModule('package p\n\nc := $"{42\\}"\n', { file: 't.rego' });
  t.is(unclosed.diagnostics[0]?.code, 'rego_parse_error');
  t.is(unclosed.diagnostics[0]?.line, 3);
});
